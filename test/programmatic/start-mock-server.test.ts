import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { FixtureError, startMockServer, StoredDataConflictError, type FixtureDocument } from '../../src/index.js';
import { EMPTY_SESSION, expectContract, listUrl, SESSION, smallWorld, T0 } from '../helpers/app.js';
import { call, keyHeader, startTestMock } from '../admin/live-mock.js';

// startMockServer: what a test suite calls in its before/after hooks.

const seeded: FixtureDocument = {
  accounts: [
    {
      id: 'acme',
      sessions: [
        {
          id: 'sess-seeded',
          downloads: [
            {
              id: 'dl-seeded',
              original_download_url: 'https://e.example/s.txt',
              origin_url: 'https://e.example/',
              original_file_name: 's.txt',
              content: { text: 'seeded' },
            },
          ],
        },
      ],
    },
  ],
};

const itemIds = (body: { data?: { items?: Array<{ id: string }> } }) => body.data?.items?.map((i) => i.id);

t.test('it listens on a free loopback port with the start-up fixtures loaded', async (t) => {
  const mock = await startMockServer({ fixtures: [smallWorld], rateLimit: false, clock: 'manual' });
  t.teardown(() => mock.close());
  t.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.not(new URL(mock.url).port, '0');
  t.equal((await call(mock, '/_mock/health')).statusCode, 200);
  const list = expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  t.same(itemIds(list), ['dl-a', 'dl-b', 'dl-c']);
  t.ok(
    list.data.items.every((i: { file_link: string }) => i.file_link.startsWith(`${mock.url}/sessions/`)),
    'file_link points back at the mock',
  );
});

t.test('with no options it is an empty mock with rate limiting on', async (t) => {
  const mock = await startMockServer();
  t.teardown(() => mock.close());
  t.same(mock.app.mock.store.counts(), []);
  await mock.seed(smallWorld);
  const res = await call(mock, listUrl(SESSION), { headers: keyHeader });
  expectContract(t, res, 200);
  t.equal(res.headers['x-ratelimit-limit'], '60', 'the default bucket');
  t.equal(mock.clock.mode, 'real');
});

t.test('rateLimit: false answers without x-ratelimit headers and never 429', async (t) => {
  const mock = await startTestMock(t);
  for (let i = 0; i < 5; i++) {
    const res = await call(mock, listUrl(SESSION), { headers: { 'anchor-api-key': 'ak_test_tight' } });
    expectContract(t, res, 200);
    t.notOk(res.headers['x-ratelimit-limit']);
  }
});

t.test('fixtures may be paths of YAML or JSON files', async (t) => {
  const dir = t.testdir({});
  writeFileSync(join(dir, 'world.json'), JSON.stringify(smallWorld));
  writeFileSync(
    join(dir, 'extra.yaml'),
    'accounts:\n  - id: initech\n    api_keys: [ak_test_initech]\n    sessions:\n      - id: sess-yaml\n        downloads:\n          - { id: y1, original_download_url: "https://i.example/y", origin_url: "https://i.example/", original_file_name: y.txt, content: { file: y.txt } }\n',
  );
  writeFileSync(join(dir, 'y.txt'), 'from a file');
  const mock = await startTestMock(t, { fixtures: [join(dir, 'world.json'), join(dir, 'extra.yaml')] });
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  const yaml = expectContract(
    t,
    await call(mock, listUrl('sess-yaml'), { headers: { 'anchor-api-key': 'ak_test_initech' } }),
    200,
  );
  t.equal(yaml.data.items[0].size, 'from a file'.length);
});

t.test('broken start-up fixtures reject with a FixtureError and leave nothing listening', async (t) => {
  const err = await startMockServer({ fixtures: [{ accounts: [{ id: '' }] } as unknown as FixtureDocument] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.type(err, FixtureError);
  t.match((err as FixtureError).problems, [
    { source: 'fixtures[0]', path: 'accounts[0].id', message: 'must not be empty' },
  ]);
});

t.test('seed merges documents in the fixture format (objects, arrays or YAML text)', async (t) => {
  const mock = await startTestMock(t);
  const summary = await mock.seed(seeded);
  t.same(summary.totals, { accounts: 1, api_keys: 0, sessions: 1, downloads: 1 });
  expectContract(t, await call(mock, listUrl('sess-seeded'), { headers: keyHeader }), 200);

  await mock.seed([
    { accounts: [{ id: 'a1', api_keys: ['ak_test_a1_key'] }] },
    { accounts: [{ id: 'a2', api_keys: ['ak_test_a2_key'] }] },
  ]);
  await mock.seed('accounts:\n  - id: a3\n    api_keys: [ak_test_a3_key]\n    sessions: [{ id: sess-a3 }]\n');
  const body = expectContract(
    t,
    await call(mock, listUrl('sess-a3'), { headers: { 'anchor-api-key': 'ak_test_a3_key' } }),
    200,
  );
  t.same(body, { data: { count: 0, items: [] } });
  t.same(
    mock.app.mock.store.counts().map((a) => a.id),
    ['a1', 'a2', 'a3', 'acme', 'globex'],
  );
});

t.test('seed rejects a broken document with a FixtureError listing every problem, and loads nothing', async (t) => {
  const mock = await startTestMock(t);
  const err = await mock
    .seed({
      accounts: [
        { id: 'ok', api_keys: ['ak_test_ok_key'] },
        { id: 'x', api_keys: ['short'], sessions: [{ id: 'a/b' }] },
      ],
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  t.type(err, FixtureError);
  t.same(
    (err as FixtureError).problems.map((p) => p.path),
    ['accounts[1].api_keys[0]', 'accounts[1].sessions[0].id'],
  );
  expectContract(t, await call(mock, listUrl(SESSION), { headers: { 'anchor-api-key': 'ak_test_ok_key' } }), 401);
});

t.test('reset goes back to the start-up fixtures: seeded data gone, start-up data back', async (t) => {
  const mock = await startTestMock(t);
  await mock.seed(seeded);
  expectContract(t, await call(mock, listUrl('sess-seeded'), { headers: keyHeader }), 200);
  const summary = await mock.reset();
  t.same(summary.totals, { accounts: 2, api_keys: 3, sessions: 3, downloads: 4 });
  expectContract(t, await call(mock, listUrl('sess-seeded'), { headers: keyHeader }), 404);
  t.same(itemIds(expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200)), [
    'dl-a',
    'dl-b',
    'dl-c',
  ]);
});

t.test('wipe removes every account, key, session and download; reset brings the start-up data back', async (t) => {
  const mock = await startTestMock(t);
  await mock.wipe();
  t.same(mock.app.mock.store.counts(), []);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 401);
  await mock.reset();
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
});

t.test(
  'requests() is the journal, filtered by sessionId, status, since and limit; clearRequests() empties it',
  async (t) => {
    const mock = await startTestMock(t);
    await call(mock, listUrl(SESSION), { headers: keyHeader });
    mock.clock.advance(1500);
    await call(mock, listUrl(EMPTY_SESSION), { headers: keyHeader });
    await call(mock, listUrl('nope'), { headers: keyHeader });

    t.equal(mock.requests().length, 3);
    t.same(
      mock.requests({ sessionId: SESSION }).map((e) => e.path),
      [listUrl(SESSION)],
    );
    t.same(
      mock.requests({ status: 404 }).map((e) => e.session_id),
      ['nope'],
    );
    t.same(
      mock.requests({ since: new Date(T0 + 1500) }).map((e) => e.session_id),
      [EMPTY_SESSION, 'nope'],
      'since as a Date',
    );
    t.same(mock.requests({ since: T0 + 1 }).length, 2, 'since as epoch ms');
    t.same(mock.requests({ since: new Date(T0 + 1500).toISOString() }).length, 2, 'since as an ISO string');
    t.same(
      mock.requests({ limit: 1 }).map((e) => e.session_id),
      ['nope'],
    );
    t.match(mock.requests()[0], {
      method: 'GET',
      status: 200,
      key_fingerprint: /^ak_t…[0-9a-f]{8}$/,
      time: new Date(T0).toISOString(),
    });

    mock.clearRequests();
    t.same(mock.requests(), []);
  },
);

t.test('clock.advance moves the manual clock that stamps the journal', async (t) => {
  const mock = await startTestMock(t);
  t.equal(mock.clock.mode, 'manual');
  t.equal(mock.clock.now(), T0);
  t.equal(mock.clock.advance(1500), T0 + 1500);
  await call(mock, listUrl(SESSION), { headers: keyHeader });
  t.equal(mock.requests()[0]!.time, new Date(T0 + 1500).toISOString());
});

t.test("clock: 'manual' without a start time freezes at the time of start", async (t) => {
  const before = Date.now();
  const mock = await startMockServer({ clock: 'manual' });
  t.teardown(() => mock.close());
  const frozen = mock.clock.now();
  t.ok(frozen >= before && frozen <= Date.now());
  t.equal(mock.clock.now(), frozen);
});

t.test('faults.add/list/remove/clear steer the emulated API', async (t) => {
  const mock = await startTestMock(t);
  const rule = mock.faults.add({ method: 'get', session_id: SESSION, status: 503, times: 2 });
  t.same(rule, { id: rule.id, method: 'GET', session_id: SESSION, status: 503, times: 2, remaining: 2, hits: 0 });
  t.same(mock.faults.list(), [rule]);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 503);
  t.match(mock.faults.list(), [{ id: rule.id, remaining: 1, hits: 1 }]);

  t.equal(mock.faults.remove(rule.id), true);
  t.equal(mock.faults.remove(rule.id), false);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);

  mock.faults.add({ status: 500 });
  mock.faults.add({ status: 502 });
  mock.faults.clear();
  t.same(mock.faults.list(), []);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
});

t.test('faults.add throws on an invalid rule', async (t) => {
  const mock = await startTestMock(t);
  t.throws(() => mock.faults.add({ status: 418 as 500 }));
  t.throws(() => mock.faults.add({ status: 503, error: 'reset' }));
  t.throws(() => mock.faults.add({ status: 503, nope: 1 } as never));
  t.same(mock.faults.list(), []);
});

t.test('a db file keeps data; clashing start-up fixtures name it, and fresh: true empties it first', async (t) => {
  const db = join(t.testdir(), 'kept.db');
  const first = await startMockServer({ db, fixtures: [smallWorld] });
  await first.close();
  // SESSION belongs to acme in the file.
  const clash: FixtureDocument = {
    accounts: [{ id: 'other', api_keys: ['ak_test_other'], sessions: [{ id: SESSION }] }],
  };
  const err = await startMockServer({ db, fixtures: [clash] }).then(
    async (mock) => {
      await mock.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  t.type(err, StoredDataConflictError);
  t.type(err, FixtureError, 'still a FixtureError');
  t.match(err, { db, conflicts: [{ path: 'accounts[0].sessions[0].id' }] });
  t.match((err as Error).message, `from data already in the database ${db}`);

  const fresh = await startMockServer({ db, fixtures: [clash], fresh: true });
  t.teardown(() => fresh.close());
  t.same(
    fresh.app.mock.store.counts().map((c) => c.id),
    ['other'],
    'only the new fixtures are in the file',
  );
});

t.test('each mock has its own in-memory store and port', async (t) => {
  const a = await startTestMock(t);
  const b = await startTestMock(t);
  t.not(a.url, b.url);
  await a.seed(seeded);
  expectContract(t, await call(a, listUrl('sess-seeded'), { headers: keyHeader }), 200);
  expectContract(t, await call(b, listUrl('sess-seeded'), { headers: keyHeader }), 404);
});

t.test('close stops listening', async (t) => {
  const mock = await startMockServer({ fixtures: [smallWorld] });
  await mock.close();
  await t.rejects(fetch(`${mock.url}/_mock/health`), 'nothing answers any more');
});
