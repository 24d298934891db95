import type { MockContext } from '../mock-context.js';

export type SessionState = 'running' | 'ended';

export interface SessionInfo {
  state: SessionState;
  createdAt: number;
  /** When it ended, if the store knows; recordings stop growing then. */
  endedAt?: number;
}

/** The session as the controls need it, if it exists and is the account's, as of the mock clock. */
export function sessionInfo(mock: MockContext, accountId: string, id: string): SessionInfo | undefined {
  const session = mock.sessions.get(accountId, id, mock.clock.now());
  if (!session) return undefined;
  const info: SessionInfo = { state: session.status === 'running' ? 'running' : 'ended', createdAt: session.createdAt };
  if (session.endedAt !== null) info.endedAt = session.endedAt;
  return info;
}

export function sessionState(mock: MockContext, accountId: string, id: string): SessionState | undefined {
  return sessionInfo(mock, accountId, id)?.state;
}
