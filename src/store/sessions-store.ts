import type Database from 'better-sqlite3';
import { preparer } from './lazy-statements.js';

export type SessionStatus = 'running' | 'completed' | 'failed';

export interface AccountLimits {
  credits: number | null;
  session_limit_count: number | null;
  session_limit_seconds: number | null;
}

export interface AccountRecord extends AccountLimits {
  id: string;
  credits_spent: number;
}

export interface SessionUpsert {
  id: string;
  account_id: string;
  created_at: number | null;
  default_created_at: number;
  /** Written on the first insert only; default 'completed'. */
  status?: SessionStatus;
  /** JSON array; default '[]'. */
  tags?: string;
}

/** A session's whole row. JSON columns stay text here; the domain parses them. */
export interface SessionRecord {
  id: string;
  account_id: string;
  created_at: number;
  status: SessionStatus;
  tags: string;
  configuration: string;
  domains: string;
  origin: 'fixture' | 'api';
  api_key_name: string | null;
  credits_used: number;
  ended_at: number | null;
  last_activity_at: number | null;
  idle_timeout_minutes: number | null;
  max_duration_minutes: number | null;
  ends_at: number | null;
}

export type NewSession = Omit<SessionRecord, 'status' | 'origin' | 'ended_at'>;

export interface AsyncRequestRow {
  request_id: string;
  account_id: string;
  session_id: string;
  configuration: string;
  api_key_name: string | null;
  created_at: number;
  ready_at: number;
  materialized: 0 | 1;
}

/**
 * The statements of the session lifecycle, each prepared on first use.
 * Writes that change what a cache may hold run through `transact`
 * (the store's write, which bumps its generation); `touch` alone does not.
 */
export class SessionsStore {
  readonly #s;

  constructor(
    db: Database.Database,
    private readonly transact: <T>(fn: () => T) => T,
  ) {
    const prepare = preparer(db);
    this.#s = {
      byId: prepare<[string], SessionRecord>('SELECT * FROM sessions WHERE id = ?'),
      byAccount: prepare<[string], SessionRecord>(
        'SELECT * FROM sessions WHERE account_id = ? ORDER BY created_at, id',
      ),
      account: prepare<[string], AccountRecord>(
        `SELECT id, credits, credits_spent, session_limit_count, session_limit_seconds FROM accounts WHERE id = ?`,
      ),
      spend: prepare<[number, string]>('UPDATE accounts SET credits_spent = credits_spent + ? WHERE id = ?'),
      // Creations of the account after a time: sessions created directly,
      // and async requests (counted when made, not when their row appears).
      creationsSince: prepare<[string, number, string, number], { created_at: number }>(
        `SELECT created_at FROM sessions
          WHERE account_id = ? AND origin = 'api' AND created_at > ?
            AND id NOT IN (SELECT session_id FROM async_requests)
         UNION ALL
         SELECT created_at FROM async_requests WHERE account_id = ? AND created_at > ?
         ORDER BY created_at`,
      ),
      insert: prepare<NewSession>(
        `INSERT INTO sessions (id, account_id, created_at, status, tags, configuration, domains, origin,
                               api_key_name, credits_used, last_activity_at, idle_timeout_minutes,
                               max_duration_minutes, ends_at)
         VALUES (@id, @account_id, @created_at, 'running', @tags, @configuration, @domains, 'api',
                 @api_key_name, @credits_used, @last_activity_at, @idle_timeout_minutes,
                 @max_duration_minutes, @ends_at)`,
      ),
      anyDue: prepare<[number, number], { due: number }>(
        `SELECT EXISTS (SELECT 1 FROM sessions WHERE status = 'running' AND ends_at <= ?)
             OR EXISTS (SELECT 1 FROM async_requests WHERE materialized = 0 AND ready_at <= ?) AS due`,
      ),
      endDue: prepare<[number]>(
        `UPDATE sessions SET status = 'completed', ended_at = ends_at WHERE status = 'running' AND ends_at <= ?`,
      ),
      end: prepare<[number, string]>(
        `UPDATE sessions SET status = 'completed', ended_at = ? WHERE id = ? AND status = 'running'`,
      ),
      endAll: prepare<[number, string]>(
        `UPDATE sessions SET status = 'completed', ended_at = ? WHERE account_id = ? AND status = 'running'`,
      ),
      touch: prepare<[number, number | null, string]>(
        `UPDATE sessions SET last_activity_at = ?, ends_at = ? WHERE id = ? AND status = 'running'`,
      ),
      setDomains: prepare<[string, string]>('UPDATE sessions SET domains = ? WHERE id = ?'),
      insertAsync: prepare<Omit<AsyncRequestRow, 'materialized'>>(
        `INSERT INTO async_requests (request_id, account_id, session_id, configuration, api_key_name,
                                     created_at, ready_at)
         VALUES (@request_id, @account_id, @session_id, @configuration, @api_key_name, @created_at, @ready_at)`,
      ),
      runningIds: prepare<[], { id: string }>("SELECT id FROM sessions WHERE status = 'running'"),
      asyncById: prepare<[string], AsyncRequestRow>('SELECT * FROM async_requests WHERE request_id = ?'),
      dueAsync: prepare<[number], AsyncRequestRow>(
        'SELECT * FROM async_requests WHERE materialized = 0 AND ready_at <= ? ORDER BY ready_at, request_id',
      ),
      materialized: prepare<[string]>('UPDATE async_requests SET materialized = 1 WHERE request_id = ?'),
    };
  }

  /** The ids of every running session. */
  runningIds(): string[] {
    return this.#s.runningIds.all().map((row) => row.id);
  }

  find(id: string): SessionRecord | undefined {
    return this.#s.byId.get(id);
  }

  listByAccount(accountId: string): SessionRecord[] {
    return this.#s.byAccount.all(accountId);
  }

  account(id: string): AccountRecord | undefined {
    return this.#s.account.get(id);
  }

  /** Times of the account's creations after `since`, oldest first. */
  creationsSince(accountId: string, since: number): number[] {
    return this.#s.creationsSince.all(accountId, since, accountId, since).map((r) => r.created_at);
  }

  /** A new running session, its credits spent from the account, in one transaction. */
  create(row: NewSession): void {
    this.transact(() => {
      this.#s.insert.run(row);
      this.#s.spend.run(row.credits_used, row.account_id);
    });
  }

  /** An async request, its credits spent now; `session` is inserted once it falls due. */
  createAsync(row: Omit<AsyncRequestRow, 'materialized'>, credits: number): void {
    this.transact(() => {
      this.#s.insertAsync.run(row);
      this.#s.spend.run(credits, row.account_id);
    });
  }

  findAsync(requestId: string): AsyncRequestRow | undefined {
    return this.#s.asyncById.get(requestId);
  }

  /** Whether any timeout or async request has fallen due by `now` (a read: no write when nothing is). */
  anyDue(now: number): boolean {
    return this.#s.anyDue.get(now, now)!.due === 1;
  }

  /**
   * Inserts the sessions of async requests due by `now` (`rowOf` builds each,
   * `inserted` hears of each) and then ends every running session whose deadline has passed, as of that
   * deadline, in one transaction.
   */
  settle(now: number, rowOf: (request: AsyncRequestRow) => NewSession, inserted?: (row: NewSession) => void): void {
    this.transact(() => {
      for (const request of this.#s.dueAsync.all(now)) {
        const row = rowOf(request);
        this.#s.insert.run(row);
        this.#s.materialized.run(request.request_id);
        inserted?.(row);
      }
      this.#s.endDue.run(now);
    });
  }

  /** Ends a running session; false when it was not running. */
  end(id: string, now: number): boolean {
    return this.transact(() => this.#s.end.run(now, id).changes === 1);
  }

  /** Ends every running session of the account; how many. */
  endAll(accountId: string, now: number): number {
    return this.transact(() => this.#s.endAll.run(now, accountId).changes);
  }

  /**
   * Records activity on a running session. Outside `transact` on purpose:
   * activity time is in no cache, and bumping the store's generation on every
   * request under a session would empty the download caches each time.
   */
  touch(id: string, now: number, endsAt: number | null): void {
    this.#s.touch.run(now, endsAt, id);
  }

  setDomains(id: string, domains: string): void {
    this.transact(() => this.#s.setDomains.run(domains, id));
  }
}
