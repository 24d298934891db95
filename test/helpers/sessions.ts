import type { Test } from 'tap';
import type { OperationCall, OperationResult } from '../../src/contract/stateful.js';
import { Clock } from '../../src/domain/clock.js';
import { MockContext } from '../../src/domain/mock-context.js';
import { loadFixtures } from '../../src/fixture-loader/fixture-loader.js';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { Store } from '../../src/store/store.js';
import { T0 } from './app.js';

export const PUBLIC_URL = 'http://mock.test:4010';
export const MINUTE = 60_000;

/**
 * acme: a named key, a completed and a running fixture session; globex: one
 * session; thrifty: 2 credits; throttled: at most 3 creations a minute.
 */
export const sessionsWorld: FixtureDocument = {
  accounts: [
    {
      id: 'acme',
      api_keys: [{ key: 'ak_test_acme', name: 'ci-key' }],
      sessions: [
        { id: 'fx-done', created_at: '2025-12-31T00:00:00.000Z', tags: ['old', 'invoices'] },
        { id: 'fx-live', created_at: '2025-12-31T12:00:00.000Z', status: 'running', tags: ['live'] },
      ],
    },
    { id: 'globex', api_keys: ['ak_test_globex'], sessions: [{ id: 'gx-1' }] },
    { id: 'thrifty', api_keys: ['ak_test_thrifty'], credits: 2 },
    { id: 'throttled', api_keys: ['ak_test_throttled'], session_limit: { count: 3, per_seconds: 60 } },
  ],
};

export interface SessionsTestWorld {
  store: Store;
  clock: Clock;
  mock: MockContext;
}

/** A MockContext on its own store (in memory unless `path`), manual clock at T0, with `fixtures` loaded. */
export function buildSessionsWorld(
  t: Test,
  options: { fixtures?: FixtureDocument[]; path?: string; clock?: Clock } = {},
): SessionsTestWorld {
  const store = new Store({ path: options.path ?? ':memory:' });
  const clock = options.clock ?? new Clock({ mode: 'manual', now: T0 });
  const startupFixtures = (options.fixtures ?? [sessionsWorld]).map((document, i) => ({
    name: `fixture ${i}`,
    document,
  }));
  const mock = new MockContext({
    store,
    clock,
    rateLimit: false,
    signedUrlTtlSeconds: 3600,
    publicUrl: PUBLIC_URL,
    startupFixtures,
  });
  loadFixtures(store, startupFixtures, { now: clock.now() });
  t.teardown(() => store.close());
  return { store, clock, mock };
}

/** An OperationCall as the contract layer would make it, at the mock clock's reading. */
export function callOf(mock: MockContext, partial: Partial<OperationCall> & { account: OperationCall['account'] }) {
  return { params: {}, query: {}, body: undefined, headers: {}, now: mock.clock.now(), ...partial } as OperationCall;
}

/** The body the contract layer sends for a result: its own, or the envelope with its message. */
export function sentBody(result: OperationResult): unknown {
  return result.body ?? { error: { code: result.status, message: result.message } };
}
