import t from 'tap';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { buildTestApp, expectContract, listUrl, SESSION } from '../helpers/app.js';
import { admin, call, keyHeader, startTestMock } from './live-mock.js';

// GET /_mock/state, DELETE /_mock/state (wipe) and POST /_mock/reset.

const smallWorldState = {
  accounts: [
    { id: 'acme', api_keys: 2, sessions: 2, downloads: 3 },
    { id: 'globex', api_keys: 1, sessions: 1, downloads: 1 },
  ],
  totals: { accounts: 2, api_keys: 3, sessions: 3, downloads: 4 },
};

const extra = {
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
              size: 5,
            },
          ],
        },
        // Overwrites a start-up download: reset must bring the original back.
        {
          id: SESSION,
          downloads: [
            {
              id: 'dl-a',
              original_download_url: 'https://e.example/changed',
              origin_url: 'https://e.example/',
              original_file_name: 'changed.bin',
              size: 1,
            },
          ],
        },
      ],
    },
  ],
};

t.test('GET /_mock/state counts keys, sessions and downloads per account, with totals', async (t) => {
  const mock = await startTestMock(t);
  const res = await admin(mock, 'GET', '/state');
  t.equal(res.statusCode, 200);
  t.same(res.json, { data: smallWorldState });
});

t.test('DELETE /_mock/state wipes everything and answers the empty state', async (t) => {
  const mock = await startTestMock(t);
  const res = await admin(mock, 'DELETE', '/state');
  t.equal(res.statusCode, 200);
  t.same(res.json, { data: { accounts: [], totals: { accounts: 0, api_keys: 0, sessions: 0, downloads: 0 } } });
  // The key is gone with its account.
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 401);
});

t.test('POST /_mock/reset drops data loaded later and brings the start-up data back', async (t) => {
  const mock = await startTestMock(t);
  t.equal((await admin(mock, 'POST', '/fixtures', extra)).statusCode, 201);
  const changed = expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  t.equal(changed.data.items.find((i: { id: string }) => i.id === 'dl-a').original_file_name, 'changed.bin');

  const res = await admin(mock, 'POST', '/reset');
  t.equal(res.statusCode, 200);
  t.same(res.json, {
    data: { sources: [{ name: 'fixtures[0]', ...smallWorldState.totals }], totals: smallWorldState.totals },
  });
  t.same((await admin(mock, 'GET', '/state')).json, { data: smallWorldState });

  expectContract(t, await call(mock, listUrl('sess-seeded'), { headers: keyHeader }), 404);
  const restored = expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  t.match(
    restored.data.items.find((i: { id: string }) => i.id === 'dl-a'),
    { original_file_name: 'document.doc', size: 1000 },
  );
});

t.test('POST /_mock/reset after a wipe restores the start-up data', async (t) => {
  const mock = await startTestMock(t);
  await admin(mock, 'DELETE', '/state');
  await admin(mock, 'POST', '/reset');
  t.same((await admin(mock, 'GET', '/state')).json, { data: smallWorldState });
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
});

t.test('start-up downloads without created_at list the same after a reset an hour later', async (t) => {
  const startup: FixtureDocument = {
    accounts: [
      {
        id: 'acme',
        api_keys: ['ak_test_acme'],
        sessions: [
          {
            id: 's',
            downloads: [
              {
                id: 'd',
                original_download_url: 'https://a.example/x',
                origin_url: 'https://a.example/',
                original_file_name: 'x.txt',
                size: 1,
              },
            ],
          },
        ],
      },
    ],
  };
  const startupFixtures = [{ name: 'startup', document: startup }];
  const { app, clock } = await buildTestApp(t, { fixtures: [], startupFixtures });
  app.mock.loadStartupFixtures();
  const first = await app.inject({ url: listUrl('s'), headers: { 'anchor-api-key': 'ak_test_acme' } });
  expectContract(t, first, 200);
  const before = first.body;
  clock.advance(3_600_000);
  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 200);
  const second = await app.inject({ url: listUrl('s'), headers: { 'anchor-api-key': 'ak_test_acme' } });
  expectContract(t, second, 200);
  const after = second.body;
  t.equal(after, before, 'identical answer after reset, an hour later');
});

t.test('reset refills every bucket', async (t) => {
  const mock = await startTestMock(t, { rateLimit: { capacity: 1, refillPerSecond: 0.001 } });
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 429);
  await admin(mock, 'POST', '/reset');
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
});

t.test('reset leaves the journal, the fault rules and the clock as they are', async (t) => {
  const mock = await startTestMock(t);
  await call(mock, listUrl(SESSION), { headers: keyHeader });
  await admin(mock, 'POST', '/faults', { path: '/nowhere', status: 500 });
  await admin(mock, 'POST', '/clock', { advance_ms: 5000 });
  const before = (await admin(mock, 'GET', '/clock')).json;
  await admin(mock, 'POST', '/reset');
  t.equal((await admin(mock, 'GET', '/requests')).json.data.count, 1);
  t.equal((await admin(mock, 'GET', '/faults')).json.data.length, 1);
  t.same((await admin(mock, 'GET', '/clock')).json, before);
});
