import type { OutgoingHttpHeaders } from 'node:http';
import type { Admission } from '../../domain/key-admission.js';
import type { TakeResult } from '../../domain/token-bucket.js';
import { CONTRACT_ERRORS, type PreparedAnswer } from './prepared-answer.js';

// What the key check answers, as the route's hook and the list's fast path
// both send it.

/** The answer to a key that is not let through (401, 429), or undefined when it is. */
export function keyRefusal(admission: Admission): PreparedAnswer | undefined {
  return admission.status === 200 ? undefined : CONTRACT_ERRORS[admission.status];
}

/**
 * The headers a bucket's answer adds: x-ratelimit-*, and on 429 retry-after-ms
 * and retry-after. A new literal object on every call, in the order they are
 * sent: the list's fast path adds content-type and content-length to it as
 * properties (spreading it into another object would cost more than the rest
 * of that path).
 */
export function rateLimitHeaders(rate: TakeResult | undefined): OutgoingHttpHeaders {
  if (rate === undefined) return {};
  if (rate.allowed) {
    return {
      'x-ratelimit-limit': rate.limit,
      'x-ratelimit-remaining': rate.remaining,
      'x-ratelimit-reset': rate.resetSeconds,
    };
  }
  return {
    'x-ratelimit-limit': rate.limit,
    'x-ratelimit-remaining': rate.remaining,
    'x-ratelimit-reset': rate.resetSeconds,
    'retry-after-ms': rate.retryAfterMs,
    'retry-after': String(retryAfterSeconds(rate)),
  };
}

/**
 * Retry-After in whole seconds, rounded up, at least 1. With retry-after-ms
 * (exact) it is never inflated: the official SDK waits for whatever these say.
 */
export function retryAfterSeconds(rate: TakeResult): number {
  return Math.max(1, Math.ceil(rate.retryAfterMs / 1000));
}
