import { createHash } from 'node:crypto';
import t from 'tap';
import {
  buildTestApp,
  EMPTY_SESSION,
  expectContract,
  fileUrl,
  listUrl,
  OTHER_SESSION,
  SESSION,
  T0,
} from '../helpers/app.js';
import { admin, call, keyHeader, KEY, startTestMock } from './live-mock.js';

// GET /_mock/requests and DELETE /_mock/requests: the journal of the emulated API.

/** The documented fingerprint: first 4 characters, '…', the first 8 hex digits of the key's SHA-256. */
const fingerprint = (key: string) => `${key.slice(0, 4)}…${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;

t.test('every request to the emulated API is journaled, oldest first, with what was asked and answered', async (t) => {
  const mock = await startTestMock(t);
  const list = await call(mock, listUrl(SESSION), { headers: keyHeader });
  expectContract(t, list, 200);
  mock.clock.advance(1500);
  expectContract(t, await call(mock, `${listUrl('no-such-session')}?x=1`, { headers: keyHeader }), 404);
  const file = await call(mock, fileUrl(SESSION, 'dl-b'), { headers: keyHeader });
  t.equal(file.body, '%PDF-1.4 pretend');

  const res = await admin(mock, 'GET', '/requests');
  t.equal(res.statusCode, 200);
  t.equal(res.json.data.count, 3);
  const [first, second, third] = res.json.data.items;
  t.same(first, {
    id: first.id,
    time: new Date(T0).toISOString(),
    method: 'GET',
    path: listUrl(SESSION),
    session_id: SESSION,
    status: 200,
    duration_ms: first.duration_ms,
    response_bytes: Buffer.byteLength(list.body),
    key_fingerprint: fingerprint(KEY),
    forced: false,
    fault_id: null,
  });
  t.type(first.duration_ms, 'number');
  t.ok(first.duration_ms >= 0);
  t.match(
    second,
    {
      time: new Date(T0 + 1500).toISOString(),
      path: listUrl('no-such-session'),
      session_id: 'no-such-session',
      status: 404,
    },
    'the path without its query; the time from the mock clock',
  );
  t.match(third, { path: fileUrl(SESSION, 'dl-b'), session_id: SESSION, status: 200, response_bytes: 16 });
  t.ok(first.id < second.id && second.id < third.id, 'ids increase');
});

t.test('a HEAD request is journaled with its status and 0 response bytes', async (t) => {
  const { app } = await buildTestApp(t);
  await app.inject({ method: 'HEAD', url: listUrl(SESSION), headers: { 'anchor-api-key': 'ak_test_acme' } });
  const journal = JSON.parse((await app.inject({ url: '/_mock/requests' })).body);
  t.match(journal.data.items, [{ method: 'HEAD', status: 200, response_bytes: 0 }]);
});

t.test('/_mock calls and /_mock/health are not journaled', async (t) => {
  const mock = await startTestMock(t);
  await call(mock, '/_mock/health');
  await admin(mock, 'GET', '/state');
  await admin(mock, 'GET', '/requests');
  t.same((await admin(mock, 'GET', '/requests')).json, { data: { count: 0, items: [] } });
});

t.test(
  'a request without a key is journaled with a null fingerprint, an unknown key with its fingerprint',
  async (t) => {
    const mock = await startTestMock(t);
    expectContract(t, await call(mock, listUrl(SESSION)), 401);
    expectContract(t, await call(mock, listUrl(SESSION), { headers: { 'anchor-api-key': 'ak_unknown_key' } }), 401);
    const items = (await admin(mock, 'GET', '/requests')).json.data.items;
    t.same(
      items.map((e: { status: number; key_fingerprint: string | null }) => [e.status, e.key_fingerprint]),
      [
        [401, null],
        [401, fingerprint('ak_unknown_key')],
      ],
    );
  },
);

t.test('the journal never holds a key: not of a valid key, an unknown key, or a fault rule', async (t) => {
  const mock = await startTestMock(t);
  const keys = ['ak_test_acme', 'ak_test_globex', 'ak_never_seen_before', 'ak_test_tight'];
  await admin(mock, 'POST', '/faults', { api_key: 'ak_test_tight', status: 503 });
  for (const key of keys) await call(mock, listUrl(SESSION), { headers: { 'anchor-api-key': key } });
  await call(mock, listUrl(OTHER_SESSION), { headers: { 'anchor-api-key': 'ak_test_globex' } });

  const journal = await admin(mock, 'GET', '/requests');
  t.equal(journal.json.data.count, 5);
  const faults = await admin(mock, 'GET', '/faults');
  for (const key of keys) {
    t.notOk(journal.body.includes(key), `the journal does not contain ${key}`);
    t.notOk(JSON.stringify(mock.requests()).includes(key), `mock.requests() does not contain ${key}`);
    t.notOk(faults.body.includes(key), `the fault list does not contain ${key}`);
  }
  t.same(
    new Set(journal.json.data.items.map((e: { key_fingerprint: string }) => e.key_fingerprint)),
    new Set(keys.map(fingerprint)),
  );
});

t.test('filters: session_id, status, since and limit', async (t) => {
  const mock = await startTestMock(t);
  // t=0: sess-1 200; t=1s: empty 200; t=2s: unknown 404; t=3s: sess-1 200
  await call(mock, listUrl(SESSION), { headers: keyHeader });
  mock.clock.advance(1000);
  await call(mock, listUrl(EMPTY_SESSION), { headers: keyHeader });
  mock.clock.advance(1000);
  await call(mock, listUrl('nope'), { headers: keyHeader });
  mock.clock.advance(1000);
  await call(mock, listUrl(SESSION), { headers: keyHeader });

  const query = async (q: string) =>
    (await admin(mock, 'GET', `/requests?${q}`)).json.data.items.map(
      (e: { session_id: string; time: string }) => `${e.session_id}@${(Date.parse(e.time) - T0) / 1000}`,
    );
  t.same(await query(`session_id=${SESSION}`), [`${SESSION}@0`, `${SESSION}@3`]);
  t.same(await query('status=404'), ['nope@2']);
  t.same(
    await query(`since=${new Date(T0 + 2000).toISOString()}`),
    ['nope@2', `${SESSION}@3`],
    'since includes that very time',
  );
  t.same(await query('since=2026-01-01T01:00:01.500%2B01:00'), ['nope@2', `${SESSION}@3`], 'since accepts an offset');
  t.same(await query('limit=2'), ['nope@2', `${SESSION}@3`], 'the newest 2, oldest first');
  t.same(await query(`session_id=${SESSION}&limit=1`), [`${SESSION}@3`]);
  const counted = await admin(mock, 'GET', '/requests?status=200');
  t.equal(counted.json.data.count, 3, 'count is the number of items answered');
});

t.test('invalid filters answer 400 in the envelope', async (t) => {
  const mock = await startTestMock(t);
  for (const q of ['limit=0', 'limit=x', 'since=yesterday', 'status=999', 'sessionId=s1']) {
    const res = await admin(mock, 'GET', `/requests?${q}`);
    t.equal(res.statusCode, 400, q);
    t.equal(res.json.error.code, 400);
  }
});

t.test('DELETE /_mock/requests empties the journal', async (t) => {
  const mock = await startTestMock(t);
  await call(mock, listUrl(SESSION), { headers: keyHeader });
  const res = await admin(mock, 'DELETE', '/requests');
  t.equal(res.statusCode, 204);
  t.equal(res.body, '');
  t.same((await admin(mock, 'GET', '/requests')).json, { data: { count: 0, items: [] } });
  await call(mock, listUrl(SESSION), { headers: keyHeader });
  t.equal((await admin(mock, 'GET', '/requests')).json.data.count, 1, 'journaling goes on');
});

t.test('with journalSize 3 the journal keeps only the last 3 requests', async (t) => {
  const mock = await startTestMock(t, { journalSize: 3 });
  const sessions = ['a', 'b', 'c', 'd', 'e'];
  for (const s of sessions) await call(mock, listUrl(s), { headers: keyHeader });
  const items = (await admin(mock, 'GET', '/requests')).json.data.items;
  t.same(
    items.map((e: { session_id: string }) => e.session_id),
    ['c', 'd', 'e'],
    'a and b were dropped, oldest first',
  );
});
