import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { Admission } from '../../domain/key-admission.js';
import { JSON_CONTENT_TYPE } from '../errors.js';
import type { MockContext } from '../../domain/mock-context.js';
import { ownedListAnswer, type DownloadListCache } from '../operations/download-list.js';
import { journalFingerprint, recordRequest } from './journal-entry.js';
import { keyRefusal, rateLimitHeaders } from './key-answer.js';
import { CONTRACT_ERRORS, type PreparedAnswer } from './prepared-answer.js';

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
 * which costs about as much as the rest of the request (see docs/performance.md).
 * It decides, builds its headers and journals with the functions the Fastify
 * route's hooks and handler call; everything else goes to that route
 * (test/http/list-fast-path.test.ts holds the two to the same bytes, headers
 * and journal entries).
 */
export function listFastPath(mock: MockContext, lists: DownloadListCache, onError: (err: unknown) => void): FastPath {
  return function listFast(req, res) {
    if (req.method !== 'GET' || mock.closing || mock.latency !== undefined || mock.faults.size > 0) return false;
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX) || !url.endsWith(SUFFIX)) return false;
    const sessionId = url.slice(PREFIX.length, url.length - SUFFIX.length);
    const headers = req.headers;
    if (
      !PLAIN_ID.test(sessionId) ||
      headers.prefer !== undefined ||
      headers['content-length'] !== undefined ||
      headers['transfer-encoding'] !== undefined
    ) {
      return false;
    }

    const started = performance.now();
    const keyHeader = headers['anchor-api-key'];
    let admission: Admission | undefined;
    let answer: PreparedAnswer;
    try {
      admission = mock.admission.admit(keyHeader);
      answer = keyRefusal(admission) ?? ownedListAnswer(lists, mock.publicUrl, admission.key, sessionId, mock);
    } catch (err) {
      // As the route's error handler answers; its headers so far (the bucket's) stay.
      onError(err);
      answer = CONTRACT_ERRORS[500];
    }
    const body = answer.body;
    const head = rateLimitHeaders(admission?.rate);
    head['content-type'] = JSON_CONTENT_TYPE;
    head['content-length'] = body.length;
    res.writeHead(answer.status, head);
    res.end(body);
    const fingerprint = journalFingerprint(admission?.fingerprint, keyHeader);
    const durationMs = performance.now() - started;
    recordRequest(mock, 'GET', url, sessionId, answer.status, durationMs, body.length, fingerprint, false, null, null);
    return true;
  };
}

/**
 * Puts the list's fast path in front of Fastify's own request listener on the
 * node:http server Fastify created (so the server's settings stay Fastify's),
 * or refuses to start when that listener is not alone there: anything else
 * listening would see requests the fast path had already answered, and
 * anything wrapping Fastify's listener would be bypassed.
 *
 * With per-request logging on (debug and trace levels in the CLI) it steps
 * aside and every request goes through Fastify, which logs each one with its
 * own fields; the route runs the same decisions, so a debugging run answers
 * and journals as a production one does.
 */
export function installListFastPath(app: FastifyInstance, lists: DownloadListCache, requestLogging: boolean): void {
  if (requestLogging) return;
  const route = app.routing;
  const listeners = app.server.listeners('request');
  if (listeners.length !== 1 || listeners[0] !== route) {
    const fastifys = listeners.includes(route) ? "Fastify's and " : '';
    throw new Error(
      `The list's fast path expects Fastify's request listener alone on its HTTP server, but the server has ` +
        `${listeners.length} request listener(s) (${fastifys}${listeners.length - (fastifys ? 1 : 0)} other): ` +
        'something else (an instrumentation agent?) listens to or wraps node:http servers. ' +
        'With per-request logging (--log-level debug or trace) the fast path stands aside.',
    );
  }
  const fast = listFastPath(app.mock, lists, (err) => app.log.error({ err }, 'unexpected error'));
  app.server.removeListener('request', route);
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!fast(req, res)) route(req, res);
  });
}
