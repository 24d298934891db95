import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { rateLimitHeaders } from '../../domain/key-admission.js';
import type { ApiKeyRow } from '../../store/store.js';
import { MESSAGES, sendError } from '../errors.js';
import type { MockContext } from '../mock-context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook of a route that needs an `anchor-api-key` and takes a token from its bucket. */
    apiKeyGuard: onRequestHookHandler;
  }
  interface FastifyRequest {
    /** The key's record, once the guard has let the request through. */
    apiKey?: ApiKeyRow;
    /** Fingerprint of the key the request carried, once the guard has seen it. */
    keyFingerprint?: string;
  }
}

/** The route-level hook in front of every keyed route: KeyAdmission's answer, in the envelope. */
export default fp(
  async function apiKeyGuard(app: FastifyInstance, { mock }: { mock: MockContext }) {
    app.decorateRequest('apiKey', undefined);
    app.decorateRequest('keyFingerprint', undefined);

    // Callback style: no promise per request. Answering ends the chain (no done()).
    app.decorate('apiKeyGuard', function apiKeyGuard(request, reply, done) {
      const admission = mock.admission.admit(request.headers['anchor-api-key']);
      if (admission.fingerprint !== null) request.keyFingerprint = admission.fingerprint;
      request.apiKey = admission.key;
      reply.headers(rateLimitHeaders(admission));
      if (admission.status === 200) return done();
      sendError(reply, admission.status, MESSAGES[admission.status]);
    });
  },
  { name: 'api-key-guard', dependencies: ['error-envelope'] },
);
