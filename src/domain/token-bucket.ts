/**
 * A token bucket per API key: `capacity` tokens, refilled continuously at
 * `refillPerSecond`. Time comes from the caller (the mock's clock), so the
 * bucket itself is pure arithmetic and testable without sleeping.
 */
export interface RateLimit {
  capacity: number;
  refillPerSecond: number;
}

export interface TakeResult {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request, rounded down. */
  remaining: number;
  /** Whole seconds until the bucket is full again, rounded up. */
  resetSeconds: number;
  /** Exact milliseconds until one token is available (0 when allowed). */
  retryAfterMs: number;
}

// Float noise (e.g. 0.1 + 0.2) must not round 3000 ms up to 3001.
const EPSILON = 1e-9;
const ceil = (x: number) => Math.ceil(x - EPSILON);

export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    this.#tokens = limit.capacity;
    this.#updatedAt = now;
  }

  #refill(now: number): void {
    // A clock set backwards neither drains nor refills the bucket; refilling
    // goes on from the new reading.
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.limit.capacity, this.#tokens + (elapsed / 1000) * this.limit.refillPerSecond);
    this.#updatedAt = now;
  }

  take(now: number): TakeResult {
    this.#refill(now);
    const { capacity, refillPerSecond } = this.limit;
    const allowed = this.#tokens >= 1 - EPSILON;
    if (allowed) this.#tokens = Math.max(0, this.#tokens - 1);
    const missingForOne = allowed ? 0 : 1 - this.#tokens;
    return {
      allowed,
      limit: capacity,
      remaining: Math.floor(this.#tokens + EPSILON),
      resetSeconds: Math.max(0, ceil((capacity - this.#tokens) / refillPerSecond)),
      retryAfterMs: allowed ? 0 : Math.max(1, ceil((missingForOne / refillPerSecond) * 1000)),
    };
  }
}

/** Buckets by key hash; a key whose limit changes gets a fresh, full bucket. */
export class BucketRegistry {
  readonly #buckets = new Map<string, TokenBucket>();

  take(keyHash: string, limit: RateLimit, now: number): TakeResult {
    let bucket = this.#buckets.get(keyHash);
    if (!bucket || bucket.limit.capacity !== limit.capacity || bucket.limit.refillPerSecond !== limit.refillPerSecond) {
      bucket = new TokenBucket(limit, now);
      this.#buckets.set(keyHash, bucket);
    }
    return bucket.take(now);
  }

  clear(): void {
    this.#buckets.clear();
  }
}
