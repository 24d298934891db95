import type { Clock } from './clock.js';
import { fingerprintKey, hashKey, hashesMatch } from './api-keys.js';
import type { BucketRegistry, RateLimit, TakeResult } from './token-bucket.js';
import type { ApiKeyRow, Store } from '../store/store.js';
import { StoreCache } from './store-cache.js';

/** What a keyed request gets at the door: through (200), 401 or 429. */
export interface Admission {
  status: 200 | 401 | 429;
  /** The key's record, when the key is known. */
  key: ApiKeyRow | undefined;
  /** Fingerprint of the key the request carried; null without one. */
  fingerprint: string | null;
  /** The bucket's answer; none without a valid key or with rate limiting off. */
  rate: TakeResult | undefined;
}

/**
 * Auth, then rate limit, before anything can reveal whether a session exists:
 * 401 for a missing, empty or unknown key without touching any bucket; then
 * one token from the key's bucket, 429 when it is empty. Every answer to a
 * valid key carries the x-ratelimit-* headers.
 */
export class KeyAdmission {
  // Keys seen, by plaintext, with their record (or none) and fingerprint: one
  // hash and one query per distinct key until the next write to the store. In
  // memory only; the store itself holds no plaintext key.
  readonly #seen: StoreCache<{ row: ApiKeyRow | undefined; fingerprint: string }>;

  constructor(
    store: Store,
    private readonly buckets: BucketRegistry,
    private readonly clock: Clock,
    private readonly rateLimit: RateLimit | false,
  ) {
    this.#seen = new StoreCache(store, (key) => {
      const keyHash = hashKey(key);
      const found = store.findKey(keyHash);
      const row = found && hashesMatch(found.key_hash, keyHash) ? found : undefined;
      return { row, fingerprint: row?.fingerprint ?? fingerprintKey(key, keyHash) };
    });
  }

  admit(header: string | string[] | undefined): Admission {
    const entry = typeof header === 'string' && header !== '' ? this.#seen.get(header) : undefined;
    const fingerprint = entry?.fingerprint ?? null;
    const key = entry?.row;
    if (!key) return { status: 401, key: undefined, fingerprint, rate: undefined };
    if (this.rateLimit === false) return { status: 200, key, fingerprint, rate: undefined };

    const limit =
      key.rate_capacity !== null && key.rate_refill_per_second !== null
        ? { capacity: key.rate_capacity, refillPerSecond: key.rate_refill_per_second }
        : this.rateLimit;
    const rate = this.buckets.take(key.key_hash, limit, this.clock.now());
    return { status: rate.allowed ? 200 : 429, key, fingerprint, rate };
  }
}
