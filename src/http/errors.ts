import type { FastifyReply } from 'fastify';
import type { ErrorBody } from '../schemas/api-schemas.js';

// Messages for the contract's statuses follow its response descriptions.
export const MESSAGES = {
  401: 'Invalid or missing API key.',
  404: 'The browser session or its downloads metadata could not be found.',
  429: 'Too many requests, please try again later.',
  500: 'Internal server error.',
} as const;

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The most characters of a request (path, id, header) an error message repeats. */
export const QUOTE_LIMIT = 200;

/**
 * A piece of the request as an error message may repeat it: cut at QUOTE_LIMIT
 * characters and marked, so a 10,000-character id does not come back as a
 * 10 KB error. Every message that echoes the request goes through here.
 */
export function quoted(text: string): string {
  if (text.length <= QUOTE_LIMIT) return text;
  // Never end on half a surrogate pair, which would not encode as UTF-8.
  const last = text.charCodeAt(QUOTE_LIMIT - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? QUOTE_LIMIT - 1 : QUOTE_LIMIT;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}

export function errorBody(code: number, message: string): ErrorBody {
  return { error: { code, message } };
}

// The envelopes answered most often, serialized once.
const preserialized = new Map<string, string>(
  Object.entries(MESSAGES).map(([code, message]) => [
    `${code} ${message}`,
    JSON.stringify(errorBody(Number(code), message)),
  ]),
);

/** The envelope as JSON text. */
export function errorPayload(code: number, message: string): string {
  return preserialized.get(`${code} ${message}`) ?? JSON.stringify(errorBody(code, message));
}

/** Ends a request with the API's error envelope. */
export function sendError(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(code).type(JSON_CONTENT_TYPE).send(errorPayload(code, message));
}

/** A request Fastify refuses before routing (a bad URL, an over-long parameter): a 400 in the envelope. */
export function sendMalformedRequest(reply: FastifyReply, url: string, message: string): FastifyReply {
  // Fastify's messages here start with the whole path in quotes: say it again, cut.
  const path = url.split('?')[0]!;
  const head = `'${path}'`;
  const detail = message.startsWith(head) ? `'${quoted(path)}'${message.slice(head.length)}` : quoted(message);
  return sendError(reply, 400, `Malformed request: ${detail}`);
}
