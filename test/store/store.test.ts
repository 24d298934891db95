import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { hashKey } from '../../src/domain/api-keys.js';
import { DownloadCache } from '../../src/domain/download-cache.js';
import { contentEtag } from '../../src/domain/generated-content.js';
import { loadFixtures } from '../../src/fixture-loader/fixture-loader.js';
import { migrations } from '../../src/store/migrations.js';
import { SchemaVersionError, Store, type StoreWriter } from '../../src/store/store.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function openStore(
  t: Test,
  path = ':memory:',
  options: { migrations?: readonly string[]; bulkLoad?: boolean } = {},
): Store {
  const store = new Store({ path, ...options });
  t.teardown(() => store.close());
  return store;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const download = (id: string, sessionId: string): Parameters<StoreWriter['upsertDownload']>[0] => ({
  id,
  session_id: sessionId,
  original_download_url: 'https://example.com/a.txt',
  origin_url: 'https://example.com/',
  suggested_file_name: 'a.txt',
  original_file_name: 'a.txt',
  duration: 0,
  size: 3,
  created_at: null,
  default_created_at: T0,
  content_type: 'text/plain',
  content: Buffer.from('abc'),
  etag: '"x"',
});

t.test('a fresh database file is migrated to the latest version, in WAL mode, with foreign keys on', async (t) => {
  const dir = t.testdir();
  const store = openStore(t, join(dir, 'mock.db'));
  t.equal(store.db.pragma('user_version', { simple: true }), migrations.length);
  t.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  t.same(store.counts(), [], 'and empty');
});

t.test('a new database file gets 16 KB pages; an existing one keeps its own', async (t) => {
  const dir = t.testdir();
  t.equal(openStore(t, join(dir, 'new.db')).db.pragma('page_size', { simple: true }), 16384);
  // A file written before with SQLite's default page size, by an earlier build.
  const oldPath = join(dir, 'old.db');
  const raw = new Database(oldPath);
  raw.pragma('journal_mode = WAL');
  raw.exec(migrations[0]!);
  raw.pragma('user_version = 1');
  raw.close();
  t.equal(openStore(t, oldPath).db.pragma('page_size', { simple: true }), 4096);
});

// Byte 18 of an SQLite file header: 1 for a rollback journal, 2 for WAL.
const fileJournal = (path: string) => ({ 1: 'rollback', 2: 'wal' })[readFileSync(path)[18]!];

t.test(
  'bulkLoad: a new file stays in rollback-journal mode, with full syncs, until it is opened without it',
  async (t) => {
    const path = join(t.testdir(), 'seeded.db');
    const bulk = new Store({ path, bulkLoad: true });
    t.equal(bulk.db.pragma('journal_mode', { simple: true }), 'delete');
    t.equal(bulk.db.pragma('synchronous', { simple: true }), 2, 'synchronous = FULL');
    bulk.write((w) => w.insertAccount('acme'));
    t.notOk(existsSync(`${path}-wal`), 'no write-ahead log while open');
    bulk.close();
    t.equal(fileJournal(path), 'rollback');

    const served = openStore(t, path);
    t.equal(served.db.pragma('journal_mode', { simple: true }), 'wal', 'the next open switches it to WAL');
    t.equal(served.db.pragma('synchronous', { simple: true }), 1, 'synchronous = NORMAL');
    t.equal(fileJournal(path), 'wal');
    t.same(served.counts(), [{ id: 'acme', api_keys: 0, sessions: 0, downloads: 0 }], 'the account is there');
  },
);

t.test('bulkLoad on a file that has a schema (a second seed) switches it to WAL', async (t) => {
  const path = join(t.testdir(), 'mock.db');
  new Store({ path, bulkLoad: true }).close();
  t.equal(fileJournal(path), 'rollback');
  t.equal(openStore(t, path, { bulkLoad: true }).db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(fileJournal(path), 'wal');
});

t.test('bulkLoad does nothing to an in-memory store', async (t) => {
  const store = openStore(t, ':memory:', { bulkLoad: true });
  t.equal(store.db.pragma('synchronous', { simple: true }), 1);
  t.equal(store.db.pragma('user_version', { simple: true }), migrations.length);
});

t.test('an in-memory store is migrated too and starts empty', async (t) => {
  const store = openStore(t);
  t.equal(store.db.pragma('user_version', { simple: true }), migrations.length);
  t.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  t.same(store.counts(), []);
});

t.test('reopening an up-to-date file keeps its data and version', async (t) => {
  const path = join(t.testdir(), 'mock.db');
  const first = new Store({ path });
  first.write((w) => w.insertAccount('acme'));
  first.close();
  const again = openStore(t, path);
  t.equal(again.db.pragma('user_version', { simple: true }), migrations.length);
  t.same(again.counts(), [{ id: 'acme', api_keys: 0, sessions: 0, downloads: 0 }]);
});

t.test('a database from an older release is upgraded in place and keeps its data', async (t) => {
  const path = join(t.testdir(), 'mock.db');
  const m0 = migrations[0]!;
  const old = new Store({ path, migrations: [m0] });
  t.equal(old.db.pragma('user_version', { simple: true }), 1);
  old.write((w) => {
    w.insertAccount('acme');
    w.upsertSession({ id: 'sess-1', account_id: 'acme', created_at: T0, default_created_at: T0 });
  });
  old.close();

  const upgraded = openStore(t, path, { migrations: [m0, 'ALTER TABLE accounts ADD COLUMN note TEXT'] });
  t.equal(upgraded.db.pragma('user_version', { simple: true }), 2);
  t.same(upgraded.counts(), [{ id: 'acme', api_keys: 0, sessions: 1, downloads: 0 }], 'the account is still there');
  t.same(upgraded.findSession('sess-1'), { id: 'sess-1', account_id: 'acme', created_at: T0 });
  t.same(
    upgraded.db.prepare('SELECT id, note FROM accounts').all(),
    [{ id: 'acme', note: null }],
    'the new column exists',
  );
});

t.test(
  'migration 2: a file whose generated downloads stored their entity tag serves the same tag after the upgrade',
  async (t) => {
    const path = join(t.testdir(), 'mock.db');
    const old = new Store({ path, migrations: [migrations[0]!] });
    const generatedTag = contentEtag('gen', 1000, null);
    old.write((w) => {
      w.insertAccount('acme');
      w.upsertSession({ id: 'sess-1', account_id: 'acme', created_at: T0, default_created_at: T0 });
      // As releases before migration 2 wrote them: every row with its tag.
      w.upsertDownload({ ...download('gen', 'sess-1'), size: 1000, content: null, etag: generatedTag });
      w.upsertDownload({ ...download('stored', 'sess-1'), etag: contentEtag('stored', 3, Buffer.from('abc')) });
    });
    old.close();

    const upgraded = openStore(t, path);
    t.equal(upgraded.db.pragma('user_version', { simple: true }), migrations.length);
    t.equal(upgraded.findDownload('gen')!.etag, '', 'the generated row keeps no tag');
    t.equal(
      upgraded.findDownload('stored')!.etag,
      contentEtag('stored', 3, Buffer.from('abc')),
      'stored bytes keep theirs',
    );
    const served = new DownloadCache(upgraded);
    t.equal(served.get('gen')!.row.etag, generatedTag, 'served with the tag it had before');
    t.equal(served.get('stored')!.row.etag, contentEtag('stored', 3, Buffer.from('abc')));
  },
);

t.test('a database from a newer release is refused, naming the file and both versions', async (t) => {
  const path = join(t.testdir(), 'newer.db');
  const raw = new Database(path);
  raw.exec('CREATE TABLE future (x INTEGER)');
  raw.pragma(`user_version = ${migrations.length + 5}`);
  raw.close();

  const before = sha256(path);
  const err = t.throws(() => new Store({ path })) as Error;
  t.type(err, SchemaVersionError);
  t.match(err.message, path, 'names the file');
  t.match(err.message, String(migrations.length + 5), 'names the version found');
  t.match(err.message, `(${migrations.length})`, 'names the version this release supports');
  t.equal(sha256(path), before, 'the file is byte-for-byte untouched');
  t.notOk(existsSync(`${path}-wal`), 'no WAL file was created');
  t.notOk(existsSync(`${path}-journal`), 'no journal was left behind');
});

t.test('a WAL-mode database from a newer release is refused and left byte-for-byte untouched', async (t) => {
  // The realistic case: a file written by a newer anchorbrowser-mock (which uses WAL mode).
  const path = join(t.testdir(), 'newer-wal.db');
  const newer = new Store({ path, migrations: [...migrations, 'CREATE TABLE from_the_future (x INTEGER)'] });
  newer.write((w) => w.insertAccount('acme'));
  newer.close();
  t.notOk(existsSync(`${path}-wal`), 'closing checkpointed and removed the WAL');

  const before = sha256(path);
  t.type(
    t.throws(() => new Store({ path })),
    SchemaVersionError,
  );
  t.equal(sha256(path), before, 'the file is byte-for-byte untouched');
  t.notOk(existsSync(`${path}-wal`), 'no WAL file is left behind');
  t.notOk(existsSync(`${path}-shm`), 'no shared-memory file is left behind');
});

t.test('a write is atomic: an exception inside rolls every change back', async (t) => {
  const store = openStore(t);
  store.write((w) => w.insertAccount('acme'));
  t.throws(
    () =>
      store.write((w) => {
        w.insertAccount('globex');
        w.upsertKey({
          key_hash: hashKey('ak_globex_1'),
          fingerprint: 'ak_g…',
          account_id: 'globex',
          rate_capacity: null,
          rate_refill_per_second: null,
        });
        throw new Error('boom');
      }),
    { message: 'boom' },
    'the exception reaches the caller',
  );
  t.notOk(store.counts().some((account) => account.id === 'globex'));
  t.equal(store.findKey(hashKey('ak_globex_1')), undefined);
  t.same(store.counts(), [{ id: 'acme', api_keys: 0, sessions: 0, downloads: 0 }]);
});

t.test('a failing statement inside a write rolls back the statements before it', async (t) => {
  const store = openStore(t);
  t.throws(() =>
    store.write((w) => {
      w.insertAccount('acme');
      w.upsertSession({ id: 's', account_id: 'acme', created_at: null, default_created_at: T0 });
      w.upsertDownload(download('d', 'no-such-session'));
    }),
  );
  t.same(store.counts(), []);
  t.equal(store.findSession('s'), undefined);
});

t.test('write returns what its function returns', async (t) => {
  const store = openStore(t);
  t.equal(
    store.write((w) => {
      w.insertAccount('acme');
      return 42;
    }),
    42,
  );
});

t.test('generation grows on every write, committed or rolled back', async (t) => {
  const store = openStore(t);
  const g0 = store.generation;
  store.write((w) => w.insertAccount('acme'));
  const g1 = store.generation;
  t.ok(g1 > g0, 'after a commit');
  t.throws(() =>
    store.write(() => {
      throw new Error('nope');
    }),
  );
  const g2 = store.generation;
  t.ok(g2 > g1, 'after a rollback');
  store.write(() => undefined);
  t.ok(store.generation > g2, 'after an empty write');
});

t.test('reads do not change the generation', async (t) => {
  const store = openStore(t);
  store.write((w) => w.insertAccount('acme'));
  const g = store.generation;
  store.counts();
  store.findSession('x');
  store.findKey('y');
  t.equal(store.generation, g);
});

t.test('foreign keys are enforced: a download for a missing session is refused', async (t) => {
  const store = openStore(t);
  t.throws(() => store.write((w) => w.upsertDownload(download('d1', 'no-such-session'))), {
    code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
  });
  t.equal(store.findDownload('d1'), undefined);
});

t.test('foreign keys are enforced: a session or key for a missing account is refused', async (t) => {
  const store = openStore(t);
  t.throws(
    () =>
      store.write((w) => w.upsertSession({ id: 's', account_id: 'ghost', created_at: null, default_created_at: T0 })),
    {
      code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
    },
  );
  t.throws(
    () =>
      store.write((w) =>
        w.upsertKey({
          key_hash: hashKey('ak_ghost_1'),
          fingerprint: 'ak_g…',
          account_id: 'ghost',
          rate_capacity: null,
          rate_refill_per_second: null,
        }),
      ),
    { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' },
  );
});

t.test('wipe removes every account, key, session and download', async (t) => {
  const store = openStore(t);
  store.write((w) => {
    w.insertAccount('acme');
    w.upsertSession({ id: 's', account_id: 'acme', created_at: null, default_created_at: T0 });
    w.upsertDownload(download('d', 's'));
  });
  store.write((w) => w.wipe());
  t.same(store.counts(), []);
  t.equal(store.findDownload('d'), undefined);
});

t.test('the database file holds no plaintext API key, only its hash and fingerprint', async (t) => {
  const path = join(t.testdir(), 'mock.db');
  const key = 'ak_secret_123';
  const store = new Store({ path });
  loadFixtures(store, [{ name: 'keys.yaml', document: { accounts: [{ id: 'acme', api_keys: [key] }] } }], { now: T0 });
  const row = store.findKey(hashKey(key));
  store.close();

  const expectedHash = createHash('sha256').update(key).digest('hex');
  t.same(row, {
    key_hash: expectedHash,
    fingerprint: `ak_s…${expectedHash.slice(0, 8)}`,
    account_id: 'acme',
    rate_capacity: null,
    rate_refill_per_second: null,
  });
  t.match(row!.fingerprint, /^ak_s…[0-9a-f]{8}$/);
  t.notOk(existsSync(`${path}-wal`), 'close checkpointed the WAL into the file');
  const bytes = readFileSync(path);
  t.equal(bytes.indexOf(key), -1, 'the key is nowhere in the file');
  t.not(bytes.indexOf(expectedHash), -1, 'its hash is');
});
