import type { FastifyReply } from 'fastify';
import { errorPayload, JSON_CONTENT_TYPE, MESSAGES } from '../errors.js';

/** A JSON answer serialized once, sent as these very bytes by the route and the list's fast path alike. */
export interface PreparedAnswer {
  readonly status: number;
  readonly body: Buffer;
}

function envelope(status: keyof typeof MESSAGES): PreparedAnswer {
  return { status, body: Buffer.from(errorPayload(status, MESSAGES[status])) };
}

/** The envelopes of the contract's error statuses, and of the generic 500. */
export const CONTRACT_ERRORS = {
  401: envelope(401),
  404: envelope(404),
  429: envelope(429),
  500: envelope(500),
} as const satisfies Record<keyof typeof MESSAGES, PreparedAnswer>;

/** Ends a request through Fastify with a prepared answer: no serializer, the bytes as they are. */
export function sendPrepared(reply: FastifyReply, answer: PreparedAnswer): FastifyReply {
  return reply.code(answer.status).type(JSON_CONTENT_TYPE).send(answer.body);
}
