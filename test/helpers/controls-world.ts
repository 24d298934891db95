import type { Test } from 'tap';
import type { OperationCall } from '../../src/contract/stateful.js';
import { Clock } from '../../src/domain/clock.js';
import { MockContext } from '../../src/domain/mock-context.js';
import { loadFixtures } from '../../src/fixture-loader/fixture-loader.js';
import { Store } from '../../src/store/store.js';
import { EMPTY_SESSION, OTHER_SESSION, SESSION, smallWorld, T0 } from './app.js';

export { EMPTY_SESSION, OTHER_SESSION, SESSION, T0 };
/** A session of acme that has ended. */
export const ENDED_SESSION = 'sess-ended';
/** A running session of acme created at T0, the clock's start. */
export const FRESH_SESSION = 'sess-fresh';

/**
 * A MockContext on an in-memory store holding the small world plus an ended
 * session of acme and one created at T0; the other fixture sessions are running. Until the
 * lifecycle's migration gives sessions a status, this adds the column itself.
 */
export function controlsWorld(t: Test, options: { file?: string } = {}): { mock: MockContext; clock: Clock } {
  const store = new Store({ path: options.file ?? ':memory:' });
  const clock = new Clock({ mode: 'manual', now: T0 });
  const world = structuredClone(smallWorld);
  world.accounts[0]!.sessions!.push(
    { id: ENDED_SESSION, created_at: '2025-01-18T05:00:00.000Z' },
    { id: FRESH_SESSION },
  );
  loadFixtures(store, [{ name: 'controls world', document: world }], { now: clock.now() });
  markEnded(store, ENDED_SESSION);
  const mock = new MockContext({
    store,
    clock,
    rateLimit: false,
    signedUrlTtlSeconds: 3600,
    publicUrl: 'http://mock.test:4010',
  });
  t.teardown(() => store.close());
  return { mock, clock };
}

/** Sets the status column (adding it if the store has none): `ended` marks one session, the others run. */
export function markEnded(store: Store, sessionId: string): void {
  const columns = store.db.prepare<[], { name: string }>('PRAGMA table_info(sessions)').all();
  if (!columns.some((c) => c.name === 'status')) store.db.exec('ALTER TABLE sessions ADD COLUMN status TEXT');
  store.db.prepare("UPDATE sessions SET status = 'running' WHERE id <> ?").run(sessionId);
  store.db.prepare("UPDATE sessions SET status = 'completed' WHERE id = ?").run(sessionId);
}

/** A call as the contract layer makes it, for acme unless told. */
export function callOf(
  mock: MockContext,
  params: Record<string, string>,
  extra: Partial<OperationCall> = {},
): OperationCall {
  return {
    account: { id: 'acme' },
    params,
    query: {},
    body: undefined,
    headers: {},
    now: mock.clock.now(),
    ...extra,
  };
}
