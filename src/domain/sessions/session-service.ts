import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store } from '../../store/store.js';
import type { AsyncRequestRow, NewSession } from '../../store/sessions-store.js';
import { configurationProblem, factsOf } from './session-config.js';
import {
  CREDITS_PER_SESSION,
  checkCreationLimit,
  creditRefusal,
  limitRefusal,
  type Refusal,
} from './creation-limits.js';
import { historyPage, sessionFilter, type HistoryPage } from './session-history.js';
import { deadlineOf, timeoutsOf } from './session-timeouts.js';
import { viewOf, type SessionView } from './session-view.js';

export type { Refusal } from './creation-limits.js';
export type { SessionView } from './session-view.js';
export type { HistoryPage } from './session-history.js';

/**
 * How long an async creation takes on the mock clock: a third queued, a
 * third provisioning, a third configuring, then ready.
 */
export const ASYNC_READY_DELAY_MS = 1500;

/** Who asks: the key's account, and the key's fixture name if it has one. */
export interface Caller {
  id: string;
  keyName?: string;
}

type Headers = Record<string, string>;

export type AsyncPhase = 'queued' | 'provisioning' | 'configuring' | 'ready';

export interface AsyncView {
  requestId: string;
  status: 'pending' | 'processing' | 'ready';
  phase: AsyncPhase;
  createdAt: number;
  readyAt: number;
  /** The session, once its row exists (from `readyAt` on). */
  session: SessionView | undefined;
}

const asObject = (body: unknown): Record<string, unknown> =>
  body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

/**
 * Browser sessions: creation (with the account's credits and creation limit),
 * reads, ending, and the timeouts of the create body, all on the mock clock.
 * Timeouts and async requests are settled before every read, so moving the
 * clock alone changes what the next answer says; a session ended is ended for
 * good, its duration frozen at the instant it ended.
 */
export class Sessions {
  /**
   * Hears of each session created at run time (by create, or an async
   * request falling due), in the transaction that inserts it: what else a new
   * session starts with (its first page, the downloads its rules give).
   */
  onCreated: ((row: NewSession, at: number) => void) | undefined;

  constructor(
    private readonly store: Store,
    clock: Clock,
  ) {
    // A clock moved back first settles what had fallen due at the reading it
    // leaves, so no session that had timed out comes back to life.
    clock.onChange((from, to) => {
      if (to < from && this.store.db.open) this.settle(from);
    });
  }

  /** Ends the sessions whose timeouts passed by `now`, and inserts the async ones that are due. */
  settle(now: number): void {
    if (!this.store.sessions.anyDue(now)) return;
    this.store.sessions.settle(
      now,
      (request) => this.#rowOf(request),
      (row) => this.onCreated?.(row, row.created_at),
    );
  }

  /** The refusal, if any, of a creation for `caller` now: the body's rule, credits, the creation limit. */
  #admit(caller: Caller, body: Record<string, unknown>, now: number): { refusal: Refusal } | { headers: Headers } {
    const problem = configurationProblem(body);
    if (problem) return { refusal: { refused: 400, message: problem } };
    const account = this.store.sessions.account(caller.id);
    if (!account) throw new Error(`no account ${caller.id}`);
    const credits = creditRefusal(account);
    if (credits) return { refusal: credits };
    const since = now - (account.session_limit_seconds ?? 0) * 1000;
    const limit = checkCreationLimit(account, this.store.sessions.creationsSince(caller.id, since), now);
    if (limit && !limit.allowed) return { refusal: limitRefusal(limit) };
    return { headers: limit?.headers ?? {} };
  }

  /** `POST /v1/sessions`: a running session, or the refusal (400, 402, 429). */
  create(caller: Caller, body: unknown, now: number): { session: SessionView; headers: Headers } | Refusal {
    this.settle(now);
    const config = asObject(body);
    const admitted = this.#admit(caller, config, now);
    if ('refusal' in admitted) return admitted.refusal;
    const row = this.#newRow(randomUUID(), caller.id, caller.keyName ?? null, JSON.stringify(config), now);
    this.store.write(() => {
      this.store.sessions.create(row);
      this.onCreated?.(row, now);
    });
    // A 0-minute timeout ends the session at once.
    this.settle(now);
    return { session: this.#view(row.id, now)!, headers: admitted.headers };
  }

  /** `POST /v1/sessions/async`: a pending request whose session appears `ASYNC_READY_DELAY_MS` later. */
  createAsync(caller: Caller, body: unknown, now: number): { request: AsyncView; headers: Headers } | Refusal {
    this.settle(now);
    const config = asObject(body);
    const admitted = this.#admit(caller, config, now);
    if ('refusal' in admitted) return admitted.refusal;
    const requestId = randomUUID();
    const request = {
      request_id: requestId,
      account_id: caller.id,
      session_id: randomUUID(),
      configuration: JSON.stringify(config),
      api_key_name: caller.keyName ?? null,
      created_at: now,
      ready_at: now + ASYNC_READY_DELAY_MS,
    };
    this.store.sessions.createAsync(request, CREDITS_PER_SESSION);
    return { request: this.asyncStatus(caller.id, requestId, now)!, headers: admitted.headers };
  }

  /** The async request as of now; undefined when unknown or another account's. */
  asyncStatus(accountId: string, requestId: string, now: number): AsyncView | undefined {
    this.settle(now);
    const request = this.store.sessions.findAsync(requestId);
    if (!request || request.account_id !== accountId) return undefined;
    const elapsed = (now - request.created_at) / ASYNC_READY_DELAY_MS;
    const session = request.materialized ? this.#view(request.session_id, now) : undefined;
    const [status, phase]: [AsyncView['status'], AsyncPhase] = session
      ? ['ready', 'ready']
      : elapsed < 1 / 3
        ? ['pending', 'queued']
        : elapsed < 2 / 3
          ? ['processing', 'provisioning']
          : ['processing', 'configuring'];
    return { requestId, status, phase, createdAt: request.created_at, readyAt: request.ready_at, session };
  }

  /** The account's session; undefined when unknown or another account's. */
  get(accountId: string, id: string, now: number): SessionView | undefined {
    this.settle(now);
    const view = this.#view(id, now);
    return view?.accountId === accountId ? view : undefined;
  }

  /** Ends the account's session ('ended'), or says it had ended already; undefined when not the account's. */
  end(accountId: string, id: string, now: number): 'ended' | 'already-ended' | undefined {
    if (!this.get(accountId, id, now)) return undefined;
    return this.store.sessions.end(id, now) ? 'ended' : 'already-ended';
  }

  /** Ends every running session of the account; how many were running. */
  endAll(accountId: string, now: number): number {
    this.settle(now);
    return this.store.sessions.endAll(accountId, now);
  }

  /** Every session of the account, oldest first, through the listing filters of `GET /v1/sessions/all/status`. */
  list(accountId: string, query: Record<string, unknown>, now: number): SessionView[] {
    this.settle(now);
    const filter = sessionFilter(query);
    return this.store.sessions
      .listByAccount(accountId)
      .map((row) => viewOf(row, now))
      .filter(filter);
  }

  /** A page of `GET /v1/sessions`, or the message of its 400. */
  history(accountId: string, query: Record<string, unknown>, now: number): HistoryPage | string {
    this.settle(now);
    const all = this.store.sessions.listByAccount(accountId).map((row) => viewOf(row, now));
    return historyPage(all, query);
  }

  /**
   * A request under `/v1/sessions/{id}/…` reached the session: its idle time
   * starts again. A session whose idle timeout had already passed stays ended.
   */
  touch(id: string, now: number): void {
    // Most lists are of sessions that are not running (fixtures): a set lookup, no query.
    if (!this.#runningAsOf().has(id)) return;
    this.settle(now);
    const row = this.store.sessions.find(id);
    if (!row || row.status !== 'running') return;
    const lastActivity = Math.max(now, row.last_activity_at ?? row.created_at);
    // Polling on a frozen clock: nothing to write.
    if (lastActivity === row.last_activity_at) return;
    const timeouts = { idle: row.idle_timeout_minutes, max: row.max_duration_minutes };
    this.store.sessions.touch(id, lastActivity, deadlineOf(timeouts, row.created_at, lastActivity));
  }

  /** Running sessions' ids as of the store's last write (a timeout that fell due since is settled by the caller). */
  #runningAsOf(): ReadonlySet<string> {
    const generation = this.store.generation;
    if (this.#running?.generation !== generation) {
      this.#running = { generation, ids: new Set(this.store.sessions.runningIds()) };
    }
    return this.#running.ids;
  }

  #running: { generation: number; ids: ReadonlySet<string> } | undefined;

  /** Records that the session visited `url`'s host (for the `domains` filters and fields). */
  addDomain(id: string, url: string): void {
    const row = this.store.sessions.find(id);
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return;
    }
    if (!row || host === '') return;
    const domains = JSON.parse(row.domains) as string[];
    if (!domains.includes(host)) this.store.sessions.setDomains(id, JSON.stringify([...domains, host]));
  }

  #view(id: string, now: number): SessionView | undefined {
    const row = this.store.sessions.find(id);
    return row && viewOf(row, now);
  }

  #newRow(id: string, accountId: string, keyName: string | null, configuration: string, at: number): NewSession {
    const body = JSON.parse(configuration) as Record<string, unknown>;
    const facts = factsOf(body);
    const timeouts = timeoutsOf(body);
    return {
      id,
      account_id: accountId,
      created_at: at,
      tags: JSON.stringify(facts.tags),
      configuration,
      domains: JSON.stringify(facts.initialDomain ? [facts.initialDomain] : []),
      api_key_name: keyName,
      credits_used: CREDITS_PER_SESSION,
      last_activity_at: at,
      idle_timeout_minutes: timeouts.idle,
      max_duration_minutes: timeouts.max,
      ends_at: deadlineOf(timeouts, at, at),
    };
  }

  /** The session row of an async request that has fallen due: created at its ready time. */
  #rowOf(request: AsyncRequestRow): NewSession {
    return this.#newRow(
      request.session_id,
      request.account_id,
      request.api_key_name,
      request.configuration,
      request.ready_at,
    );
  }
}
