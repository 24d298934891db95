import type { MockContext } from '../mock-context.js';

export type SessionState = 'running' | 'ended';

export interface SessionInfo {
  state: SessionState;
  createdAt: number;
  /** When it ended, if the store knows; recordings stop growing then. */
  endedAt?: number;
}

/**
 * The session as the controls need it, if it exists and is the account's.
 * Reads the `sessions` row as it is: a status column other than `running`
 * means ended, and a store without one (before the lifecycle's migration)
 * holds only running sessions. The sessions service replaces this.
 */
export function sessionInfo(mock: MockContext, accountId: string, id: string): SessionInfo | undefined {
  const row = mock.store.findSession(id) as
    { account_id: string; created_at: number; status?: string; ended_at?: number | null } | undefined;
  if (!row || row.account_id !== accountId) return undefined;
  const ended = typeof row.status === 'string' && row.status !== 'running';
  const info: SessionInfo = { state: ended ? 'ended' : 'running', createdAt: row.created_at };
  if (typeof row.ended_at === 'number') info.endedAt = row.ended_at;
  return info;
}

export function sessionState(mock: MockContext, accountId: string, id: string): SessionState | undefined {
  return sessionInfo(mock, accountId, id)?.state;
}
