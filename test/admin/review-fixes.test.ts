import t from 'tap';
import { buildTestApp, expectContract, listUrl, SESSION, T0 } from '../helpers/app.js';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';

t.test('a fault rule with a header value Node cannot send is refused with 400', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({
    method: 'POST',
    url: '/_mock/faults',
    payload: { path: '/v1/*', status: 503, headers: { 'x-test': 'a\u0001b' } },
  });
  t.equal(res.statusCode, 400);
  t.match(JSON.parse(res.body), { error: { code: 400, message: /header value/ } });
  t.same(JSON.parse((await app.inject({ url: '/_mock/faults' })).body), { data: [] }, 'no rule was added');
});

t.test('moving the clock before 1970 answers 400 and leaves it where it was', async (t) => {
  const { app, clock } = await buildTestApp(t);
  for (const now of ['1960-01-01T00:00:00Z', '0000-01-01T00:00:00Z']) {
    const res = await app.inject({ method: 'POST', url: '/_mock/clock', payload: { now } });
    t.equal(res.statusCode, 400, now);
    t.equal(JSON.parse(res.body).error.code, 400);
  }
  t.equal(clock.now(), T0);
});

t.test('a HEAD is journaled with 0 response bytes', async (t) => {
  const { app } = await buildTestApp(t);
  await app.inject({ method: 'HEAD', url: listUrl(SESSION), headers: { 'anchor-api-key': 'ak_test_acme' } });
  const journal = JSON.parse((await app.inject({ url: '/_mock/requests' })).body);
  t.match(journal.data.items, [{ method: 'HEAD', status: 200, response_bytes: 0 }]);
});

t.test('reset keeps the generated created_at of start-up fixtures that give none', async (t) => {
  const startup: FixtureDocument = {
    accounts: [
      {
        id: 'acme',
        api_keys: ['ak_test_acme'],
        sessions: [{ id: 's', downloads: [{ id: 'd', original_download_url: 'https://a.example/x', origin_url: 'https://a.example/', original_file_name: 'x.txt', size: 1 }] }],
      },
    ],
  };
  const { app, clock } = await buildTestApp(t, { fixtures: [], startupFixtures: [{ name: 'startup', document: startup }] });
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
