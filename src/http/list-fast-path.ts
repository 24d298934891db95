import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { errorPayload, JSON_CONTENT_TYPE, MESSAGES } from './errors.js';
import type { MockContext } from './mock-context.js';

const PREFIX = '/v1/sessions/';
const SUFFIX = '/downloads';
// Ids Fastify's router would hand over unchanged (nothing to decode) and well
// under its parameter length limit.
const PLAIN_ID = /^[\w.~-]{1,256}$/;

/** Answers the request and returns true, or returns false and leaves it to Fastify. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * List Session Downloads in its everyday form — GET, a plain session id, no
 * query, no body, no `Prefer`, while no fault rule or latency is set and the
 * mock is not closing — answered from node:http ahead of Fastify's router,
 * which costs about as much as the rest of the request (see bench/results.md).
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
    let body: Buffer | string;
    let extra: Record<string, number> = {};
    try {
      const admission = mock.admission.admit(headers['anchor-api-key']);
      ({ status, fingerprint, headers: extra } = admission);
      const listed = status === 200 ? mock.downloadLists.get(sessionId, mock.publicUrl) : undefined;
      if (status !== 200) body = errorPayload(status, MESSAGES[status as 401 | 429]);
      else if (listed && listed.accountId === admission.key?.account_id) body = listed.body;
      else body = errorPayload((status = 404), MESSAGES[404]);
    } catch (err) {
      onError(err);
      body = errorPayload((status = 500), MESSAGES[500]);
    }
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    res.writeHead(status, { ...extra, 'content-type': JSON_CONTENT_TYPE, 'content-length': length });
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
