import t from 'tap';
import { hashKey } from '../../src/domain/api-keys.js';
import { contentEtag } from '../../src/domain/generated-content.js';
import { loadFixtures } from '../../src/fixture-loader/fixture-loader.js';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { dl, HOUR, load, oneSession, openStore, SECRET, snapshot, T0 } from './documents-and-store.js';

// Ids and times a fixture leaves out are generated the same way on every load,
// and loading merges into what is there: by id it adds or updates, never deletes.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const idless: FixtureDocument = {
  accounts: [
    { id: 'acme', sessions: [{ downloads: [dl(), dl({ original_file_name: 'b.txt' })] }, { downloads: [dl()] }, {}] },
    { id: 'globex', sessions: [{ downloads: [dl()] }] },
  ],
};

t.test('omitted ids are UUIDs that come out the same in every fresh store', async (t) => {
  const a = openStore(t);
  const b = openStore(t);
  load(a, idless);
  load(b, idless);
  const snapA = snapshot(a);
  t.same(snapA, snapshot(b), 'identical databases');
  const sessionIds = snapA.sessions.map((s) => (s as { id: string }).id);
  const downloadIds = snapA.downloads.map((d) => (d as { id: string }).id);
  t.equal(sessionIds.length, 4);
  t.equal(downloadIds.length, 4);
  t.equal(new Set([...sessionIds, ...downloadIds]).size, 8, 'all different, across sessions, positions and accounts');
  for (const id of [...sessionIds, ...downloadIds]) t.match(id, UUID);
});

t.test('reloading a document without ids updates in place instead of duplicating', async (t) => {
  const store = openStore(t);
  load(store, idless);
  const before = snapshot(store);
  const changed = structuredClone(idless);
  changed.accounts[0]!.sessions![0]!.downloads![1]!.suggested_file_name = 'b (1).txt';
  load(store, changed, T0 + HOUR);
  const after = snapshot(store);
  t.same(
    after.downloads.map((d) => (d as { id: string }).id),
    before.downloads.map((d) => (d as { id: string }).id),
    'the same ids',
  );
  t.ok(
    after.downloads.some((d) => (d as { suggested_file_name: string }).suggested_file_name === 'b (1).txt'),
    'the change applied',
  );
});

t.test('a generated id depends on the account, the session and the position', async (t) => {
  const store = openStore(t);
  load(store, {
    accounts: [
      { id: 'acme', sessions: [{}, {}] },
      { id: 'globex', sessions: [{}] },
    ],
  });
  const idsOf = (account: string) =>
    store.db
      .prepare<[string], { id: string }>('SELECT id FROM sessions WHERE account_id = ?')
      .all(account)
      .map((r) => r.id);
  const ids = [...idsOf('acme'), ...idsOf('globex')];
  t.equal(ids.length, 3);
  t.equal(new Set(ids).size, 3, 'two positions in acme and the first in globex all differ');
  // A download at the same position in a different session gets a different id.
  const other = openStore(t);
  load(other, {
    accounts: [
      {
        id: 'acme',
        sessions: [
          { id: 's1', downloads: [dl()] },
          { id: 's2', downloads: [dl()] },
        ],
      },
    ],
  });
  const [d1, d2] = [other.listDownloads('s1')[0]!.id, other.listDownloads('s2')[0]!.id];
  t.not(d1, d2);
});

t.test('generated created_at is the load time and is kept when reloaded later', async (t) => {
  const store = openStore(t);
  load(store, { accounts: [{ id: 'acme', sessions: [{ id: 's1', downloads: [dl({ id: 'd1' })] }] }] }, T0);
  t.equal(store.findSession('s1')!.created_at, T0);
  t.equal(store.findDownload('d1')!.created_at, T0);

  load(
    store,
    { accounts: [{ id: 'acme', sessions: [{ id: 's1', downloads: [dl({ id: 'd1', duration: 7 })] }] }] },
    T0 + HOUR,
  );
  t.equal(store.findSession('s1')!.created_at, T0, 'the session keeps its first time');
  t.equal(store.findDownload('d1')!.created_at, T0, 'the download keeps its first time');
  t.equal(store.findDownload('d1')!.duration, 7, 'while its other fields update');
});

t.test('a given created_at is stored as given and can be changed by a reload', async (t) => {
  const store = openStore(t);
  const at = '2025-01-18T03:34:56.043Z';
  load(store, {
    accounts: [
      {
        id: 'acme',
        sessions: [
          { id: 's1', created_at: '2025-01-18T03:30:00.000+01:00', downloads: [dl({ id: 'd1', created_at: at })] },
        ],
      },
    ],
  });
  t.equal(store.findSession('s1')!.created_at, Date.parse('2025-01-18T02:30:00.000Z'), 'offsets are honoured');
  t.equal(store.findDownload('d1')!.created_at, Date.parse(at));
  load(store, oneSession([dl({ id: 'd1', created_at: '2025-02-01T00:00:00.000Z' })], { session: 's1' }));
  t.equal(store.findDownload('d1')!.created_at, Date.parse('2025-02-01T00:00:00.000Z'));
});

t.test('generated download times keep the listed order', async (t) => {
  const store = openStore(t);
  const names = ['zeta.txt', 'alpha.txt', 'mid.txt', 'beta.txt'];
  load(store, oneSession(names.map((n) => dl({ original_file_name: n }))));
  const listed = store.listDownloads('sess-1');
  t.same(
    listed.map((d) => d.original_file_name),
    names,
    'listed oldest first in fixture order',
  );
  t.same(
    listed.map((d) => d.created_at),
    [T0 - 3, T0 - 2, T0 - 1, T0],
  );
});

t.test('generated ids are fixed: the same place in a fixture gives the same id in every release', async (t) => {
  // Stored in users' database files and fixtures; a change here would orphan them.
  const store = openStore(t);
  load(store, { accounts: [{ id: 'acme', sessions: [{}, { id: 's1', downloads: [dl()] }] }] });
  t.equal(store.listDownloads('s1')[0]!.id, '0e214e20-d1bb-5630-aa22-114468540a03', 'the first download of session s1');
  t.equal(store.findSession('632a4d0d-c8d6-5f1d-aca8-de288fa5be42')?.account_id, 'acme', 'the first session of acme');
});

t.test('an account listed twice in one load gets distinct generated ids, and totals count distinct rows', async (t) => {
  const store = openStore(t);
  const entry = { id: 'twice', api_keys: ['ak_twice_key'], sessions: [{ downloads: [dl()] }] };
  const summary = load(store, { accounts: [entry, entry] });
  t.same(summary.totals, { accounts: 1, api_keys: 1, sessions: 2, downloads: 2 });
  t.same(store.counts(), [{ id: 'twice', api_keys: 1, sessions: 2, downloads: 2 }]);
});

// ---------------------------------------------------------------- merging

t.test('loading merges: a second document adds to the first', async (t) => {
  const store = openStore(t);
  load(store, oneSession([dl({ id: 'd1' })], { session: 's1' }), T0, 'a.yaml');
  load(store, oneSession([dl({ id: 'd2' })], { session: 's2' }), T0, 'b.yaml');
  t.same(store.counts(), [{ id: 'acme', api_keys: 0, sessions: 2, downloads: 2 }]);
  t.equal(store.listDownloads('s1')[0]!.id, 'd1');
  t.equal(store.listDownloads('s2')[0]!.id, 'd2');
});

t.test('loading never deletes: what a later document leaves out stays', async (t) => {
  const store = openStore(t);
  load(store, {
    accounts: [
      {
        id: 'acme',
        api_keys: ['ak_acme_main'],
        sessions: [{ id: 's1', downloads: [dl({ id: 'd1' }), dl({ id: 'd2' })] }],
      },
    ],
  });
  load(store, { accounts: [{ id: 'acme', sessions: [{ id: 's1', downloads: [dl({ id: 'd1' })] }] }] });
  t.same(store.counts(), [{ id: 'acme', api_keys: 1, sessions: 1, downloads: 2 }]);
});

t.test('reloading a download by id updates every field', async (t) => {
  const store = openStore(t);
  load(store, oneSession([dl({ id: 'd1', content: { text: 'old' }, size: undefined })]));
  load(
    store,
    oneSession([
      {
        id: 'd1',
        original_download_url: 'https://example.org/new.csv',
        origin_url: 'https://example.org/',
        original_file_name: 'new.csv',
        suggested_file_name: 'new (1).csv',
        duration: 99,
        content_type: 'text/csv; charset=utf-8',
        content: { text: 'a,b\n1,2\n' },
      },
    ]),
  );
  const row = store.findDownload('d1')!;
  t.match(row, {
    original_download_url: 'https://example.org/new.csv',
    origin_url: 'https://example.org/',
    original_file_name: 'new.csv',
    suggested_file_name: 'new (1).csv',
    duration: 99,
    size: 8,
    content_type: 'text/csv; charset=utf-8',
  });
  t.equal(row.content!.toString(), 'a,b\n1,2\n');
  t.equal(row.etag, contentEtag('d1', 8, Buffer.from('a,b\n1,2\n')), 'the entity tag follows the new bytes');
});

t.test('reloading a key with another rate limit updates the limit', async (t) => {
  const store = openStore(t);
  load(store, {
    accounts: [{ id: 'acme', api_keys: [{ key: 'ak_acme_main', rate_limit: { capacity: 2, refill_per_second: 1 } }] }],
  });
  load(store, { accounts: [{ id: 'acme', api_keys: ['ak_acme_main'] }] });
  t.match(store.findKey(hashKey('ak_acme_main')), { rate_capacity: null, rate_refill_per_second: null });
});

t.test(
  'an account repeated, in one document or across files, still merges its keys, sessions and downloads',
  async (t) => {
    const store = openStore(t);
    const acme = { id: 'acme', api_keys: [SECRET], sessions: [{ id: 's1', downloads: [dl({ id: 'd1' })] }] };
    const summary = loadFixtures(
      store,
      [
        {
          name: 'a.yaml',
          document: {
            accounts: [acme, { ...acme, sessions: [{ id: 's1', downloads: [dl({ id: 'd1', duration: 7 })] }] }],
          },
        },
        { name: 'b.yaml', document: { accounts: [acme] } },
      ],
      { now: T0 },
    );
    t.same(summary.totals, { accounts: 1, api_keys: 1, sessions: 1, downloads: 1 });
    t.same(store.counts(), [{ id: 'acme', api_keys: 1, sessions: 1, downloads: 1 }]);
  },
);
