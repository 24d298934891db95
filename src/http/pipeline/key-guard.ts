import type { onRequestHookHandler } from 'fastify';
import type { MockContext } from '../../domain/mock-context.js';
import { MESSAGES } from '../errors.js';
import { keyRefusal, rateLimitHeaders } from './key-answer.js';
import type { ErrorRenderer } from './operation.js';
import { sendPrepared, type PreparedAnswer } from './prepared-answer.js';

/**
 * The onRequest hook of an operation that needs an `anchor-api-key` and takes
 * a token from its bucket: KeyAdmission's answer, in the envelope.
 */
export function apiKeyGuardHook(mock: MockContext, errors?: ErrorRenderer): onRequestHookHandler {
  // An operation with its own error shape gets its 401 and 429 in it, serialized once.
  const own = errors && {
    401: { status: 401, body: Buffer.from(errors(401, MESSAGES[401])) },
    429: { status: 429, body: Buffer.from(errors(429, MESSAGES[429])) },
  };
  const refusal = (status: 401 | 429, envelope: PreparedAnswer) => (own ? own[status] : envelope);
  // Callback style: no promise per request. Answering ends the chain (no done()).
  return function apiKeyGuard(request, reply, done) {
    const admission = mock.admission.admit(request.headers['anchor-api-key']);
    if (admission.fingerprint !== null) request.keyFingerprint = admission.fingerprint;
    request.apiKey = admission.key;
    reply.headers(rateLimitHeaders(admission.rate));
    const refused = keyRefusal(admission);
    if (refused === undefined) return done();
    sendPrepared(reply, refusal(refused.status as 401 | 429, refused));
  };
}
