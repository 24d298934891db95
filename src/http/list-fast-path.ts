import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fingerprintKey } from '../domain/api-keys.js';
import { retryAfterSeconds } from '../domain/key-admission.js';
import type { TakeResult } from '../domain/token-bucket.js';
import { errorPayload, JSON_CONTENT_TYPE, MESSAGES } from './errors.js';
import type { MockContext } from './mock-context.js';

const PREFIX = '/v1/sessions/';
const SUFFIX = '/downloads';
// Ids Fastify's router would hand over unchanged (nothing to decode) and well
// under its parameter length limit.
const PLAIN_ID = /^[\w.~-]{1,256}$/;

const ERROR_BODIES = {
  401: Buffer.from(errorPayload(401, MESSAGES[401])),
  404: Buffer.from(errorPayload(404, MESSAGES[404])),
  429: Buffer.from(errorPayload(429, MESSAGES[429])),
  500: Buffer.from(errorPayload(500, MESSAGES[500])),
};

/** Answers the request and returns true, or returns false and leaves it to Fastify. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * List Session Downloads in its everyday form — GET, a plain session id, no
 * query, no body, no `Prefer`, while no fault rule or latency is set and the
 * mock is not closing — answered from node:http ahead of Fastify's router,
 * which costs about as much as the rest of the request (see docs/performance.md).
 * Everything else goes to the Fastify route, which gives the same answers
 * byte for byte and the same journal entries (test/http/list-fast-path.test.ts
 * compares the two).
 */
export function listFastPath(mock: MockContext, onError: (err: unknown) => void): FastPath {
  return function listFast(req, res) {
    if (req.method !== 'GET' || mock.closing || mock.latency !== undefined || mock.faults.size > 0) return false;
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX) || !url.endsWith(SUFFIX)) return false;
    const sessionId = url.slice(PREFIX.length, url.length - SUFFIX.length);
    const headers = req.headers;
    if (!PLAIN_ID.test(sessionId) || headers.prefer !== undefined || headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) {
      return false;
    }

    const started = performance.now();
    let status: number;
    let fingerprint: string | null = null;
    let body: Buffer;
    let rate: TakeResult | undefined;
    try {
      const admission = mock.admission.admit(headers['anchor-api-key']);
      ({ status, fingerprint, rate } = admission);
      const listed = status === 200 ? mock.downloadLists.get(sessionId, mock.publicUrl) : undefined;
      if (status !== 200) body = ERROR_BODIES[status as 401 | 429];
      else if (listed && listed.accountId === admission.key?.account_id) body = listed.body;
      else body = ERROR_BODIES[(status = 404)];
    } catch (err) {
      onError(err);
      body = ERROR_BODIES[(status = 500)];
      // As the route's journal has it when the key check itself failed.
      const key = headers['anchor-api-key'];
      fingerprint ??= typeof key === 'string' && key !== '' ? fingerprintKey(key) : null;
    }
    const length = body.length;
    // Literal objects: spreading the rate headers into one costs more (about
    // 1.7 µs on Node 20) than everything else this function does.
    let head: OutgoingHttpHeaders;
    if (rate === undefined) {
      head = { 'content-type': JSON_CONTENT_TYPE, 'content-length': length };
    } else if (rate.allowed) {
      head = {
        'x-ratelimit-limit': rate.limit,
        'x-ratelimit-remaining': rate.remaining,
        'x-ratelimit-reset': rate.resetSeconds,
        'content-type': JSON_CONTENT_TYPE,
        'content-length': length,
      };
    } else {
      head = {
        'x-ratelimit-limit': rate.limit,
        'x-ratelimit-remaining': rate.remaining,
        'x-ratelimit-reset': rate.resetSeconds,
        'retry-after-ms': rate.retryAfterMs,
        'retry-after': String(retryAfterSeconds(rate)),
        'content-type': JSON_CONTENT_TYPE,
        'content-length': length,
      };
    }
    res.writeHead(status, head);
    res.end(body);
    mock.journal.add({
      timeMs: mock.clock.now(),
      method: 'GET',
      path: url,
      session_id: sessionId,
      status,
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
      response_bytes: length,
      key_fingerprint: fingerprint,
      forced: false,
      fault_id: null,
    });
    return true;
  };
}
