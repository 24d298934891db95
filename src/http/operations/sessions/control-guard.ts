import type { OperationCall, OperationResult } from '../../../contract/stateful.js';
import type { MockContext } from '../../../domain/mock-context.js';
import { sessionInfo, type SessionInfo } from '../../../domain/sessions/session-controls.js';

/**
 * What an ended session answers: the operation's declared 404, its declared
 * 400 where it documents "Session is not running", or the normal answer
 * (recordings are read after a session ends).
 */
export type WhenEnded = 404 | 400 | 'serve';

export interface GuardOptions {
  /** The path parameter naming the session, as the operation spells it. */
  param: 'sessionId' | 'session_id';
  ended: WhenEnded;
  /** The 404's message (the operation's own description). */
  notFound?: string;
}

export const SESSION_NOT_FOUND = 'Session not found';
export const SESSION_NOT_RUNNING = 'Session is not running';

/**
 * Runs `fn` for a session of the caller's account in the state the operation
 * accepts; an unknown session and another account's answer the same 404.
 */
export function withSession(
  call: OperationCall,
  mock: MockContext,
  options: GuardOptions,
  fn: (sessionId: string, session: SessionInfo) => OperationResult,
): OperationResult {
  const sessionId = call.params[options.param] ?? '';
  const session = sessionInfo(mock, call.account.id, sessionId);
  if (!session) return { status: 404, message: options.notFound ?? SESSION_NOT_FOUND };
  if (session.state === 'ended' && options.ended !== 'serve') {
    return options.ended === 400
      ? { status: 400, message: SESSION_NOT_RUNNING }
      : { status: 404, message: options.notFound ?? SESSION_NOT_FOUND };
  }
  return fn(sessionId, session);
}

/** The JSON body as an object (the contract layer has validated it; anything else reads as empty). */
export function bodyOf(call: OperationCall): Record<string, unknown> {
  const body = call.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** What the OS-level controls answer on success (the document declares only a `status` string). */
export const done = (): OperationResult => ({ status: 200, body: { status: 'success' } });

export const iso = (epochMs: number) => new Date(epochMs).toISOString();
