import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { fingerprintKey, hashKey, hashesMatch } from '../../domain/api-keys.js';
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

const KEY_CACHE_LIMIT = 10_000;

/**
 * Auth, then rate limit, before anything can reveal whether a session exists
 * (order from the emulator issue): 401 for a missing, empty or unknown key
 * without touching any bucket; then one token from the key's bucket, 429 when
 * it is empty. Every answer to a valid key carries the x-ratelimit-* headers.
 */
export default fp(
  async function apiKeyGuard(app: FastifyInstance, { mock }: { mock: MockContext }) {
    app.decorateRequest('apiKey', undefined);
    app.decorateRequest('keyFingerprint', undefined);

    // Keys seen, by plaintext, with their record (or none) and fingerprint:
    // one hash and one query per distinct key until the next write to the
    // store. In memory only; the store itself holds no plaintext key.
    const seen = new Map<string, { row: ApiKeyRow | undefined; fingerprint: string }>();
    let generation = -1;

    const lookup = (key: string) => {
      if (generation !== mock.store.generation) {
        seen.clear();
        generation = mock.store.generation;
      }
      let entry = seen.get(key);
      if (entry === undefined) {
        const keyHash = hashKey(key);
        const found = mock.store.findKey(keyHash);
        const row = found && hashesMatch(found.key_hash, keyHash) ? found : undefined;
        entry = { row, fingerprint: row?.fingerprint ?? fingerprintKey(key, keyHash) };
        if (seen.size >= KEY_CACHE_LIMIT) seen.clear();
        seen.set(key, entry);
      }
      return entry;
    };

    // Callback style: no promise per request. Answering ends the chain (no done()).
    app.decorate('apiKeyGuard', function apiKeyGuard(request, reply, done) {
      const header = request.headers['anchor-api-key'];
      const entry = typeof header === 'string' && header !== '' ? lookup(header) : undefined;
      if (entry) request.keyFingerprint = entry.fingerprint;
      const row = entry?.row;
      if (!row) {
        sendError(reply, 401, MESSAGES[401]);
        return;
      }
      request.apiKey = row;
      if (mock.rateLimit === false) return done();

      const limit =
        row.rate_capacity !== null && row.rate_refill_per_second !== null
          ? { capacity: row.rate_capacity, refillPerSecond: row.rate_refill_per_second }
          : mock.rateLimit;
      const taken = mock.buckets.take(row.key_hash, limit, mock.clock.now());
      reply.headers({
        'x-ratelimit-limit': taken.limit,
        'x-ratelimit-remaining': taken.remaining,
        'x-ratelimit-reset': taken.resetSeconds,
      });
      if (taken.allowed) return done();
      // The official SDK waits for whatever these say, so they are exact, never inflated.
      reply.headers({
        'retry-after-ms': taken.retryAfterMs,
        'retry-after': Math.max(1, Math.ceil(taken.retryAfterMs / 1000)),
      });
      sendError(reply, 429, MESSAGES[429]);
    });
  },
  { name: 'api-key-guard', dependencies: ['error-envelope'] },
);
