import type { Test } from 'tap';
import { FixtureError, loadFixtures, type FixtureProblem } from '../../src/fixture-loader/fixture-loader.js';
import type { DownloadFixture } from '../../src/schemas/fixture-schema.js';
import { Store } from '../../src/store/store.js';

// What the loader's tests share: a small valid document to vary, a fresh
// in-memory store to load it into, and the ways to read what a load did.

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const HOUR = 3_600_000;
/** A key whose value must never appear in a problem or an error message. */
export const SECRET = 'ak_secret_123';

export function openStore(t: Test): Store {
  const store = new Store({ path: ':memory:' });
  t.teardown(() => store.close());
  return store;
}

type DownloadOverrides = { [K in keyof DownloadFixture]?: unknown } & Record<string, unknown>;

/** A valid download; override what the test is about (possibly with invalid values, on purpose). */
export function dl(overrides: DownloadOverrides = {}): DownloadFixture {
  return {
    original_download_url: 'https://example.com/files/report.pdf',
    origin_url: 'https://example.com/files/',
    original_file_name: 'report.pdf',
    size: 10,
    ...overrides,
  } as DownloadFixture;
}

/** One account, one session, the given downloads. */
export function oneSession(downloads: unknown[], ids: { account?: string; session?: string } = {}): unknown {
  return { accounts: [{ id: ids.account ?? 'acme', sessions: [{ id: ids.session ?? 'sess-1', downloads }] }] };
}

/** The path of a download in a document, as problems name it. */
export const downloadPath = (di: number, si = 0, ai = 0) => `accounts[${ai}].sessions[${si}].downloads[${di}]`;

/** Loads one document, named x.yaml unless told. */
export const load = (store: Store, document: unknown, now = T0, name = 'x.yaml') =>
  loadFixtures(store, [{ name, document }], { now });

/** Asserts the call throws a FixtureError and returns it. */
export function errorOf(t: Test, fn: () => unknown): FixtureError {
  try {
    fn();
  } catch (err) {
    t.type(err, FixtureError, 'a FixtureError is thrown');
    if (err instanceof FixtureError) return err;
  }
  t.fail('a FixtureError is thrown');
  return new FixtureError([]);
}

/** Asserts the call throws a FixtureError and returns its problems. */
export const problemsOf = (t: Test, fn: () => unknown): FixtureProblem[] => errorOf(t, fn).problems;

/** Everything in the database, to compare before and after a load. */
export function snapshot(store: Store) {
  const all = (sql: string) => store.db.prepare(sql).all();
  return {
    accounts: all('SELECT * FROM accounts ORDER BY id'),
    api_keys: all('SELECT * FROM api_keys ORDER BY key_hash'),
    sessions: all('SELECT * FROM sessions ORDER BY id'),
    downloads: all('SELECT * FROM downloads ORDER BY id'),
  };
}
