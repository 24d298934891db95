import type { FastifyRequest, onResponseHookHandler, preValidationHookHandler } from 'fastify';
import { snapshotBody } from '../../domain/journal-body.js';
import type { MockContext } from '../../domain/mock-context.js';
import { journalFingerprint, recordRequest } from './journal-entry.js';

/** The request's path without its query. */
export function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q === -1 ? request.url : request.url.slice(0, q);
}

/** The session a request names: the vendor document calls it `session_id` or `sessionId`. */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  const params = request.params as { session_id?: string; sessionId?: string } | undefined;
  return params?.session_id ?? params?.sessionId;
}

/** Journals a request that went through Fastify, with what the pipeline's hooks learned of it. */
export function recordRouted(
  mock: MockContext,
  request: FastifyRequest,
  status: number,
  durationMs: number,
  bytes: number,
): void {
  const fingerprint = journalFingerprint(request.keyFingerprint, request.headers['anchor-api-key']);
  const { method, forced, faultId, journalBody } = request;
  const path = pathOf(request);
  recordRequest(
    mock,
    method,
    path,
    sessionIdOf(request) ?? null,
    status,
    durationMs,
    bytes,
    fingerprint,
    forced,
    faultId,
    journalBody,
  );
}

/**
 * The preValidation hook of a journaled operation that may take a body: the
 * body as it arrived, before validation or the handler can change it.
 * Requests answered before their body is read (a key refusal, a fault, a
 * forced answer) never get here and are journaled without one.
 */
export const captureBodyHook: preValidationHookHandler = function captureBody(request, _reply, done) {
  if (request.body !== undefined) {
    const { headers } = request;
    request.journalBody = snapshotBody(headers['content-type'], request.body, headers['anchor-api-key']);
  }
  done();
};

/** The onResponse hook of a journaled operation. */
export function journalHook(mock: MockContext): onResponseHookHandler {
  return function journal(request, reply, done) {
    const length = reply.getHeader('content-length');
    // A HEAD answer carries the length of a body it does not send.
    const bytes = length === undefined || request.method === 'HEAD' ? 0 : Number(length);
    recordRouted(mock, request, reply.statusCode, reply.elapsedTime, bytes);
    done();
  };
}
