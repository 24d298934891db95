import t from 'tap';
import { BucketRegistry, TokenBucket, type RateLimit, type TakeResult } from '../../src/domain/token-bucket.js';
import { seededRandom } from '../../src/domain/latency.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** Takes `n` tokens at `now` and returns the last result. */
function drain(bucket: TokenBucket, n: number, now: number): TakeResult {
  let last: TakeResult | undefined;
  for (let i = 0; i < n; i++) last = bucket.take(now);
  return last!;
}

/**
 * A bucket that keeps the times of its takes, so that a copy in the same state
 * can be probed with more takes without touching the bucket under test.
 */
class RecordedBucket {
  readonly #bucket: TokenBucket;
  readonly #takes: number[] = [];

  constructor(
    readonly limit: RateLimit,
    readonly start: number,
  ) {
    this.#bucket = new TokenBucket(limit, start);
  }

  take(now: number): TakeResult {
    this.#takes.push(now);
    return this.#bucket.take(now);
  }

  /** A new bucket given the same takes: the arithmetic is deterministic, so it is in the same state. */
  copy(): TokenBucket {
    const copy = new TokenBucket(this.limit, this.start);
    for (const at of this.#takes) copy.take(at);
    return copy;
  }
}

// A seeded PRNG (mulberry32, the mock's own), so the property test replays the same cases every run.
const mulberry32 = seededRandom;

t.test('a full bucket allows capacity requests in a row, counting remaining down', async (t) => {
  const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1 }, T0);
  t.same(bucket.take(T0), { allowed: true, limit: 3, remaining: 2, resetSeconds: 1, retryAfterMs: 0 });
  t.same(bucket.take(T0), { allowed: true, limit: 3, remaining: 1, resetSeconds: 2, retryAfterMs: 0 });
  t.same(bucket.take(T0), { allowed: true, limit: 3, remaining: 0, resetSeconds: 3, retryAfterMs: 0 });
});

t.test('the request after the last token is denied with the exact wait for one token', async (t) => {
  const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1 }, T0);
  drain(bucket, 3, T0);
  t.same(bucket.take(T0), { allowed: false, limit: 3, remaining: 0, resetSeconds: 3, retryAfterMs: 1000 });
  t.same(bucket.take(T0 + 400), { allowed: false, limit: 3, remaining: 0, resetSeconds: 3, retryAfterMs: 600 });
  t.equal(bucket.take(T0 + 999).retryAfterMs, 1, 'one millisecond short is still denied');
  t.same(bucket.take(T0 + 1000), { allowed: true, limit: 3, remaining: 0, resetSeconds: 3, retryAfterMs: 0 });
});

t.test('a denied request takes no token', async (t) => {
  const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1 }, T0);
  bucket.take(T0);
  for (let i = 0; i < 5; i++) t.equal(bucket.take(T0 + 500).allowed, false);
  const sixth = bucket.take(T0 + 500);
  t.same(sixth, { allowed: false, limit: 1, remaining: 0, resetSeconds: 1, retryAfterMs: 500 }, 'still half a token');
  t.equal(bucket.take(T0 + 1000).allowed, true);
});

t.test('tokens refill continuously, so a partial token counts toward the next one', async (t) => {
  const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 0.5 }, T0);
  drain(bucket, 2, T0);
  // Half a token came back in a second: the other half is a second away, 1.5 tokens to full.
  const denied = bucket.take(T0 + 1000);
  t.same(denied, { allowed: false, limit: 2, remaining: 0, resetSeconds: 3, retryAfterMs: 1000 });
  t.same(bucket.take(T0 + 1000), denied, 'asking again at the same moment changes nothing');
  t.equal(bucket.take(T0 + 2000).allowed, true);
});

t.test('remaining is whole tokens rounded down and resetSeconds whole seconds rounded up', async (t) => {
  const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 2 }, T0);
  drain(bucket, 5, T0);
  // 1.25 s later: 2.5 tokens; take one → 1.5 left, 3.5 missing at 2/s = 1.75 s.
  const r = bucket.take(T0 + 1250);
  t.equal(r.allowed, true);
  t.equal(r.remaining, 1);
  t.equal(r.resetSeconds, 2);
});

t.test('a full bucket after a take needs exactly one refill period to be full again', async (t) => {
  const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 10 }, T0);
  const r = bucket.take(T0);
  t.equal(r.remaining, 9);
  t.equal(r.resetSeconds, 1, '0.1 s rounds up to 1 s');
});

t.test('at 3 tokens/s the next token is 334 ms away (1000/3 rounded up)', async (t) => {
  const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 3 }, T0);
  bucket.take(T0);
  const denied = bucket.take(T0);
  t.same(denied, { allowed: false, limit: 1, remaining: 0, resetSeconds: 1, retryAfterMs: 334 });
  t.equal(bucket.take(T0 + 333).retryAfterMs, 1, '333 ms leaves 1/3 ms to go, which rounds up to 1');
  t.equal(bucket.take(T0 + 334).allowed, true);
});

t.test('at 0.1 tokens/s retry-after is exact despite float noise', async (t) => {
  const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 0.1 }, T0);
  bucket.take(T0);
  t.same(bucket.take(T0), { allowed: false, limit: 1, remaining: 0, resetSeconds: 10, retryAfterMs: 10000 });
  // 7 s in: 0.7 tokens, 0.3 missing at 0.1/s = 3000 ms exactly.
  t.same(bucket.take(T0 + 7000), { allowed: false, limit: 1, remaining: 0, resetSeconds: 3, retryAfterMs: 3000 });
});

t.test(
  'float noise never adds a millisecond: 2001 ms into an empty 0.1/s bucket the token is 7999 ms away',
  async (t) => {
    // In floating point (1 - 2.001 * 0.1) / 0.1 * 1000 is 7999.000000000001; the exact answer is 7999.
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 0.1 }, T0);
    bucket.take(T0);
    const r = bucket.take(T0 + 2001);
    t.equal(r.retryAfterMs, 7999);
    t.equal(r.resetSeconds, 8);
    t.equal(bucket.take(T0 + 2001 + 7998).allowed, false, 'one millisecond early is denied');
    t.equal(bucket.take(T0 + 2001 + 7999).allowed, true, 'on time is allowed');
  },
);

t.test('retry-after is never below 1 ms when denied, even at a very fast refill', async (t) => {
  const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 100000 }, T0);
  bucket.take(T0);
  const r = bucket.take(T0);
  t.equal(r.allowed, false);
  t.equal(r.retryAfterMs, 1);
  t.equal(bucket.take(T0 + 1).allowed, true);
});

t.test('retry-after is 0 whenever a request is allowed', async (t) => {
  const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 0.5 }, T0);
  t.equal(bucket.take(T0).retryAfterMs, 0);
  t.equal(bucket.take(T0).retryAfterMs, 0);
  t.equal(bucket.take(T0 + 2000).retryAfterMs, 0);
});

t.test('a bucket never holds more than its capacity however long it sits idle', async (t) => {
  const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 1 }, T0);
  bucket.take(T0);
  t.equal(drain(bucket, 5, T0 + 1e12).allowed, true, 'five requests in a row are allowed');
  const sixth = bucket.take(T0 + 1e12);
  t.same(sixth, { allowed: false, limit: 5, remaining: 0, resetSeconds: 5, retryAfterMs: 1000 }, 'not a fraction more');
  const r = bucket.take(T0 + 2e12);
  t.equal(r.remaining, 4);
  t.equal(r.resetSeconds, 1);
  t.same(drain(bucket, 4, T0 + 2e12).remaining, 0);
  t.equal(bucket.take(T0 + 2e12).allowed, false, 'idle time beyond capacity gives no extra tokens');
});

t.test('a clock moved backwards does not drain the bucket', async (t) => {
  const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1 }, T0);
  bucket.take(T0);
  const back = T0 - 60_000;
  const r = bucket.take(back);
  t.equal(r.allowed, true);
  t.equal(r.remaining, 1);
  t.ok(Number.isFinite(r.resetSeconds) && r.resetSeconds >= 0, 'resetSeconds stays a sane number');
  bucket.take(back);
  t.equal(
    bucket.take(back).retryAfterMs,
    1000,
    'a reading a minute earlier left exactly two tokens: now one is missing',
  );
});

t.test(
  'after the clock moves backwards the bucket refills from the new reading, as retry-after promised',
  async (t) => {
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1 }, T0);
    bucket.take(T0);
    const back = T0 - 60_000;
    const denied = bucket.take(back);
    t.equal(denied.allowed, false);
    t.equal(denied.retryAfterMs, 1000);
    // Waiting what the bucket asked for must be enough, not another minute on top.
    t.equal(bucket.take(back + denied.retryAfterMs).allowed, true);
  },
);

t.test('a limit with capacity 1 denies the second request until a full token has come back', async (t) => {
  const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 0.5 }, T0);
  t.equal(bucket.take(T0).remaining, 0);
  const r = bucket.take(T0 + 1);
  t.equal(r.allowed, false);
  t.equal(r.retryAfterMs, 1999);
  t.equal(r.resetSeconds, 2);
});

t.test('the registry keeps a separate bucket per key hash', async (t) => {
  const registry = new BucketRegistry();
  const limit = { capacity: 1, refillPerSecond: 1 };
  t.equal(registry.take('hash-a', limit, T0).allowed, true);
  t.equal(registry.take('hash-a', limit, T0).allowed, false);
  t.equal(registry.take('hash-b', limit, T0).allowed, true, 'another key is unaffected');
  t.equal(registry.take('hash-b', limit, T0).allowed, false);
  t.equal(registry.take('hash-a', limit, T0 + 1000).allowed, true);
});

t.test('the registry keeps a bucket between calls with an equal (not identical) limit', async (t) => {
  const registry = new BucketRegistry();
  registry.take('k', { capacity: 2, refillPerSecond: 1 }, T0);
  const r = registry.take('k', { capacity: 2, refillPerSecond: 1 }, T0);
  t.equal(r.remaining, 0);
  t.equal(registry.take('k', { capacity: 2, refillPerSecond: 1 }, T0).allowed, false);
});

t.test('a changed limit for a key gives it a fresh, full bucket', async (t) => {
  const registry = new BucketRegistry();
  registry.take('k', { capacity: 1, refillPerSecond: 0.01 }, T0);
  t.equal(registry.take('k', { capacity: 1, refillPerSecond: 0.01 }, T0).allowed, false);

  const bigger = registry.take('k', { capacity: 3, refillPerSecond: 0.01 }, T0);
  t.same(bigger, { allowed: true, limit: 3, remaining: 2, resetSeconds: 100, retryAfterMs: 0 });

  const fasterRefill = registry.take('k', { capacity: 3, refillPerSecond: 1 }, T0);
  t.equal(fasterRefill.remaining, 2, 'a refill-rate change alone also starts a full bucket');
});

t.test('clearing the registry gives every key a full bucket again', async (t) => {
  const registry = new BucketRegistry();
  const limit = { capacity: 1, refillPerSecond: 0.001 };
  registry.take('a', limit, T0);
  registry.take('b', limit, T0);
  t.equal(registry.take('a', limit, T0).allowed, false);
  registry.clear();
  t.equal(registry.take('a', limit, T0).allowed, true);
  t.equal(registry.take('b', limit, T0).allowed, true);
});

t.test('property: random limits and time steps keep every invariant', async (t) => {
  const random = mulberry32(0x5eed1234);
  const refills = [0.001, 0.1, 0.25, 0.3, 0.5, 1, 1 / 3, 2.5, 3, 7, 10, 1000];
  let checks = 0;
  let denials = 0;
  for (let run = 0; run < 200; run++) {
    const capacity = 1 + Math.floor(random() * 20);
    const refillPerSecond =
      random() < 0.5 ? refills[Math.floor(random() * refills.length)]! : Math.round(random() * 50_000) / 1000 + 0.001;
    const bucket = new RecordedBucket({ capacity, refillPerSecond }, T0);
    // The wait an emptied bucket asks for: one whole token's time.
    const emptied = new TokenBucket({ capacity: 1, refillPerSecond }, T0);
    emptied.take(T0);
    const wholeTokenMs = emptied.take(T0).retryAfterMs;
    let now = T0;
    const label = `run ${run}: capacity ${capacity}, refill ${refillPerSecond}/s`;
    for (let step = 0; step < 100; step++) {
      // Mostly bursts (no time passing), sometimes short or long pauses.
      const roll = random();
      now += roll < 0.4 ? 0 : roll < 0.8 ? Math.floor(random() * 500) : Math.floor(random() * 20_000);
      const r = bucket.take(now);
      const problems: string[] = [];
      // The tokens left, as a copy shows them: the requests it allows now, then the wait for the next one.
      const probe = bucket.copy();
      let allowedNow = 0;
      let next = probe.take(now);
      while (next.allowed && allowedNow <= capacity) {
        allowedNow++;
        next = probe.take(now);
      }
      if (allowedNow > capacity) problems.push(`${allowedNow} requests allowed at once`);
      if (next.retryAfterMs > wholeTokenMs) problems.push(`fewer than 0 tokens: a wait of ${next.retryAfterMs} ms`);
      if (allowedNow === capacity && next.retryAfterMs !== wholeTokenMs) problems.push(`more than ${capacity} tokens`);
      if (r.limit !== capacity) problems.push(`limit ${r.limit}`);
      if (!Number.isInteger(r.remaining) || r.remaining < 0 || r.remaining > capacity)
        problems.push(`remaining ${r.remaining}`);
      if (r.remaining !== allowedNow) problems.push(`remaining ${r.remaining}, but ${allowedNow} allowed now`);
      if (!Number.isInteger(r.resetSeconds) || r.resetSeconds < 0) problems.push(`resetSeconds ${r.resetSeconds}`);
      if (!Number.isInteger(r.retryAfterMs)) problems.push(`retryAfterMs ${r.retryAfterMs} not an integer`);
      if (r.allowed && r.retryAfterMs !== 0) problems.push(`allowed with retryAfterMs ${r.retryAfterMs}`);
      if (!r.allowed && r.retryAfterMs < 1) problems.push(`denied with retryAfterMs ${r.retryAfterMs}`);
      if (!r.allowed && r.remaining !== 0) problems.push(`denied with remaining ${r.remaining}`);
      if (!r.allowed) {
        denials++;
        if (r.retryAfterMs > 1 && bucket.copy().take(now + r.retryAfterMs - 1).allowed) {
          problems.push(`a token was already there at ${r.retryAfterMs - 1} ms`);
        }
        now += r.retryAfterMs;
        if (!bucket.take(now).allowed) problems.push(`still denied after waiting retryAfterMs ${r.retryAfterMs}`);
      } else if (random() < 0.1) {
        // Sometimes wait out resetSeconds: the bucket must then be full.
        now += r.resetSeconds * 1000;
        const full = bucket.copy();
        let allowed = 0;
        while (allowed < capacity && full.take(now).allowed) allowed++;
        if (allowed < capacity) problems.push(`not full (${allowed} allowed) after resetSeconds ${r.resetSeconds}`);
      }
      if (problems.length > 0) {
        t.fail(`${label}, step ${step} at +${now - T0} ms`, { problems, result: r });
        return;
      }
      checks++;
    }
  }
  t.ok(denials > 100, `the runs hit the limit often enough (${denials} denials)`);
  t.equal(checks, 200 * 100, 'every step of every run kept the invariants');
});
