import type { Clock } from './clock.js';
import { fingerprintKey, hashKey, hashesMatch } from './api-keys.js';
import type { BucketRegistry, RateLimit } from './token-bucket.js';
import type { ApiKeyRow, Store } from '../store/store.js';

/** What a keyed request gets at the door: through (200), 401 or 429. */
export interface Admission {
  status: 200 | 401 | 429;
  /** The key's record, when the key is known. */
  key: ApiKeyRow | undefined;
  /** Fingerprint of the key the request carried; null without one. */
  fingerprint: string | null;
  /** x-ratelimit-* (and on 429 retry-after*) headers; empty without a valid key or with rate limiting off. */
  headers: Record<string, number>;
}

const KEY_CACHE_LIMIT = 10_000;
const NO_HEADERS: Record<string, number> = Object.freeze({}) as Record<string, number>;

/**
 * Auth, then rate limit, before anything can reveal whether a session exists
 * (order from the emulator issue): 401 for a missing, empty or unknown key
 * without touching any bucket; then one token from the key's bucket, 429 when
 * it is empty. Every answer to a valid key carries the x-ratelimit-* headers.
 */
export class KeyAdmission {
  // Keys seen, by plaintext, with their record (or none) and fingerprint: one
  // hash and one query per distinct key until the next write to the store. In
  // memory only; the store itself holds no plaintext key.
  readonly #seen = new Map<string, { row: ApiKeyRow | undefined; fingerprint: string }>();
  #generation = -1;

  constructor(
    private readonly store: Store,
    private readonly buckets: BucketRegistry,
    private readonly clock: Clock,
    private readonly rateLimit: RateLimit | false,
  ) {}

  admit(header: string | string[] | undefined): Admission {
    const entry = typeof header === 'string' && header !== '' ? this.#lookup(header) : undefined;
    const fingerprint = entry?.fingerprint ?? null;
    const key = entry?.row;
    if (!key) return { status: 401, key: undefined, fingerprint, headers: NO_HEADERS };
    if (this.rateLimit === false) return { status: 200, key, fingerprint, headers: NO_HEADERS };

    const limit =
      key.rate_capacity !== null && key.rate_refill_per_second !== null
        ? { capacity: key.rate_capacity, refillPerSecond: key.rate_refill_per_second }
        : this.rateLimit;
    const taken = this.buckets.take(key.key_hash, limit, this.clock.now());
    const headers: Record<string, number> = {
      'x-ratelimit-limit': taken.limit,
      'x-ratelimit-remaining': taken.remaining,
      'x-ratelimit-reset': taken.resetSeconds,
    };
    if (taken.allowed) return { status: 200, key, fingerprint, headers };
    // The official SDK waits for whatever these say, so they are exact, never inflated.
    headers['retry-after-ms'] = taken.retryAfterMs;
    headers['retry-after'] = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
    return { status: 429, key, fingerprint, headers };
  }

  #lookup(key: string) {
    if (this.#generation !== this.store.generation) {
      this.#seen.clear();
      this.#generation = this.store.generation;
    }
    let entry = this.#seen.get(key);
    if (entry === undefined) {
      const keyHash = hashKey(key);
      const found = this.store.findKey(keyHash);
      const row = found && hashesMatch(found.key_hash, keyHash) ? found : undefined;
      entry = { row, fingerprint: row?.fingerprint ?? fingerprintKey(key, keyHash) };
      if (this.#seen.size >= KEY_CACHE_LIMIT) this.#seen.clear();
      this.#seen.set(key, entry);
    }
    return entry;
  }
}
