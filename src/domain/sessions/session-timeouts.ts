import { objectAt } from './session-config.js';

// Defaults from the vendor document's SessionCreateRequestSchema
// (session.timeout: idle_timeout 5, max_duration 20, in minutes; -1 disables).
export const DEFAULT_IDLE_TIMEOUT_MINUTES = 5;
export const DEFAULT_MAX_DURATION_MINUTES = 20;
const MINUTE_MS = 60_000;

export interface SessionTimeouts {
  /** Minutes; null: none. */
  idle: number | null;
  max: number | null;
}

/**
 * A timeout as the create body gives it: absent takes the default, a
 * negative value (the document names -1) disables it, 0 ends the session at
 * once. Anything else that is not a whole number was refused by validation.
 */
function minutes(given: unknown, fallback: number): number | null {
  if (typeof given !== 'number' || !Number.isFinite(given)) return fallback;
  return given < 0 ? null : Math.floor(given);
}

/** `session.timeout.{idle_timeout,max_duration}` of a create body. */
export function timeoutsOf(body: Record<string, unknown>): SessionTimeouts {
  const session = objectAt(body, 'session');
  const timeout = objectAt(session, 'timeout');
  return {
    idle: minutes(timeout.idle_timeout, DEFAULT_IDLE_TIMEOUT_MINUTES),
    max: minutes(timeout.max_duration, DEFAULT_MAX_DURATION_MINUTES),
  };
}

/**
 * When the session ends by itself: the earlier of created + max duration and
 * last activity + idle timeout; null when neither applies.
 */
export function deadlineOf(timeouts: SessionTimeouts, createdAt: number, lastActivityAt: number): number | null {
  const byMax = timeouts.max === null ? Infinity : createdAt + timeouts.max * MINUTE_MS;
  const byIdle = timeouts.idle === null ? Infinity : lastActivityAt + timeouts.idle * MINUTE_MS;
  const deadline = Math.min(byMax, byIdle);
  return deadline === Infinity ? null : deadline;
}
