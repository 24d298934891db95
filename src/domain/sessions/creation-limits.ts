import { createHash } from 'node:crypto';
import type { AccountRecord } from '../../store/sessions-store.js';

/** What one created session spends from an account's credit balance. */
export const CREDITS_PER_SESSION = 1;

export interface Refusal {
  refused: 400 | 402 | 429;
  message: string;
  headers?: Record<string, string>;
}

/** 402 when the account keeps a balance and it cannot pay for one more session. */
export function creditRefusal(account: AccountRecord): Refusal | undefined {
  if (account.credits === null || account.credits - account.credits_spent >= CREDITS_PER_SESSION) return undefined;
  return { refused: 402, message: 'Insufficient credits to allocate a new browser.' };
}

// "5-in-1min" as the document's example names a policy of 5 per 60 seconds.
function windowName(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}min`;
  return `${seconds}s`;
}

export interface LimitCheck {
  allowed: boolean;
  /** RateLimit and RateLimit-Policy (IETF draft 8, as the document's 429 shows), Retry-After when refused. */
  headers: Record<string, string>;
}

/**
 * The account's session-creation limit: at most `count` creations in any
 * `seconds`-long window (a sliding log of creation times). `recent` holds
 * the account's creation times within the window, oldest first. Undefined
 * when the account has no limit.
 */
export function checkCreationLimit(account: AccountRecord, recent: readonly number[], now: number) {
  const count = account.session_limit_count;
  const seconds = account.session_limit_seconds;
  if (count === null || seconds === null) return undefined;
  const policy = `"${count}-in-${windowName(seconds)}"`;
  // A partition key in the draft's byte-sequence form, opaque like the vendor's: derived from the account.
  const pk = Buffer.from(createHash('sha256').update(account.id).digest('hex').slice(0, 12)).toString('base64');
  const allowed = recent.length < count;
  // Seconds until the oldest creation that still counts leaves the window; with
  // none, this creation is the oldest and the window is whole.
  const oldest = recent[0];
  const reset =
    oldest === undefined ? seconds : Math.min(seconds, Math.max(1, Math.ceil((oldest + seconds * 1000 - now) / 1000)));
  const remaining = allowed ? count - recent.length - 1 : 0;
  const headers: Record<string, string> = {
    RateLimit: `${policy}; r=${remaining}; t=${reset}`,
    'RateLimit-Policy': `${policy}; q=${count}; w=${seconds}; pk=:${pk}:`,
  };
  if (!allowed) headers['Retry-After'] = String(reset);
  return { allowed, headers } satisfies LimitCheck;
}

export function limitRefusal(check: LimitCheck): Refusal {
  return { refused: 429, message: 'Session creation rate limit exceeded.', headers: check.headers };
}
