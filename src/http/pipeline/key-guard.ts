import type { onRequestHookHandler } from 'fastify';
import type { MockContext } from '../../domain/mock-context.js';
import { keyRefusal, rateLimitHeaders } from './key-answer.js';
import { sendPrepared } from './prepared-answer.js';

/**
 * The onRequest hook of an operation that needs an `anchor-api-key` and takes
 * a token from its bucket: KeyAdmission's answer, in the envelope.
 */
export function apiKeyGuardHook(mock: MockContext): onRequestHookHandler {
  // Callback style: no promise per request. Answering ends the chain (no done()).
  return function apiKeyGuard(request, reply, done) {
    const admission = mock.admission.admit(request.headers['anchor-api-key']);
    if (admission.fingerprint !== null) request.keyFingerprint = admission.fingerprint;
    request.apiKey = admission.key;
    reply.headers(rateLimitHeaders(admission.rate));
    const refused = keyRefusal(admission);
    if (refused === undefined) return done();
    sendPrepared(reply, refused);
  };
}
