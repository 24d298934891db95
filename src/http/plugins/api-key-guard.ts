import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hashKey, hashesMatch } from '../../domain/api-keys.js';
import type { ApiKeyRow } from '../../store/store.js';
import { MESSAGES, sendError } from '../errors.js';
import type { MockContext } from '../mock-context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs an `anchor-api-key` and takes a token from its bucket. */
    apiKey?: boolean;
  }
  interface FastifyRequest {
    /** The key's record, once the guard has let the request through. */
    apiKey?: ApiKeyRow;
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
    // Found keys by plaintext, dropped on any write to the store.
    const known = new Map<string, ApiKeyRow>();
    let generation = -1;

    const lookup = (key: string): ApiKeyRow | undefined => {
      if (generation !== mock.store.generation) {
        known.clear();
        generation = mock.store.generation;
      }
      const cached = known.get(key);
      if (cached) return cached;
      const keyHash = hashKey(key);
      const row = mock.store.findKey(keyHash);
      if (!row || !hashesMatch(row.key_hash, keyHash)) return undefined;
      if (known.size >= KEY_CACHE_LIMIT) known.clear();
      known.set(key, row);
      return row;
    };

    // Callback style: no promise per request. Answering ends the chain (no done()).
    app.addHook('onRequest', (request, reply, done) => {
      if (!request.routeOptions.config.apiKey) return done();
      const header = request.headers['anchor-api-key'];
      const row = typeof header === 'string' && header !== '' ? lookup(header) : undefined;
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
