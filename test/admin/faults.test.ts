import t from 'tap';
import type { Test } from 'tap';
import { buildTestApp, expectContract, fileUrl, listUrl, OTHER_SESSION, SESSION } from '../helpers/app.js';
import { admin, call, expectEnvelope, keyHeader, startTestMock } from './live-mock.js';

// POST/GET/DELETE /_mock/faults and DELETE /_mock/faults/:id, over real HTTP.

const globex = { 'anchor-api-key': 'ak_test_globex' };

/** The rejection of a fetch that must fail at the connection level. */
async function connectionFailure(t: Test, promise: Promise<unknown>): Promise<Error | undefined> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  t.fail('expected the request to fail without an answer');
  return undefined;
}

t.test('a flat rule with times: 2 fails twice with 503 in the envelope, then the real answer comes', async (t) => {
  const mock = await startTestMock(t);
  const added = await admin(mock, 'POST', '/faults', { method: 'GET', session_id: SESSION, status: 503, times: 2 });
  t.equal(added.statusCode, 201);
  t.same(added.json, {
    data: { id: added.json.data.id, method: 'GET', session_id: SESSION, status: 503, times: 2, remaining: 2, hits: 0 },
  });
  t.type(added.json.data.id, 'string');

  for (let i = 0; i < 2; i++) {
    const body = expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 503);
    t.same(body, { error: { code: 503, message: 'Service unavailable.' } });
  }
  const ok = expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  t.equal(ok.data.count, 3);
  t.same((await admin(mock, 'GET', '/faults')).json, { data: [] }, 'the spent rule is gone');

  const journal = (await admin(mock, 'GET', '/requests')).json.data.items;
  t.same(
    journal.map((e: { status: number; fault_id: string | null }) => [e.status, e.fault_id]),
    [
      [503, added.json.data.id],
      [503, added.json.data.id],
      [200, null],
    ],
  );
});

t.test('a rule matches only its session: other sessions answer as usual', async (t) => {
  const mock = await startTestMock(t);
  await admin(mock, 'POST', '/faults', { session_id: SESSION, status: 500 });
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 500);
  expectContract(t, await call(mock, listUrl(OTHER_SESSION), { headers: globex }), 200);
});

t.test('a fault answers before the key check: no key needed, no token taken', async (t) => {
  const mock = await startTestMock(t, { rateLimit: { capacity: 1, refillPerSecond: 0.001 } });
  await admin(mock, 'POST', '/faults', { session_id: SESSION, status: 502, times: 3 });
  expectContract(t, await call(mock, listUrl(SESSION)), 502);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 502);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 502);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
});

t.test('rules apply in the order added', async (t) => {
  const mock = await startTestMock(t);
  const first = (await admin(mock, 'POST', '/faults', { path: '/v1/sessions/*', status: 500, times: 1 })).json.data;
  const second = (await admin(mock, 'POST', '/faults', { path: '/v1/sessions/*', status: 504 })).json.data;
  t.not(first.id, second.id);
  t.same(
    (await admin(mock, 'GET', '/faults')).json.data.map((r: { id: string }) => r.id),
    [first.id, second.id],
    'listed in order',
  );
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 500);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 504);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 504);
});

t.test('path patterns: * matches any run of characters', async (t) => {
  const mock = await startTestMock(t);
  await admin(mock, 'POST', '/faults', { path: '/sessions/*/downloads/*/fetch', status: 404 });
  expectContract(t, await call(mock, fileUrl(SESSION, 'dl-b'), { headers: keyHeader }), 404);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
});

t.test('path "*" alone matches any path; any other pattern still starts with /', async (t) => {
  const mock = await startTestMock(t);
  const added = await admin(mock, 'POST', '/faults', { path: '*', status: 503 });
  t.equal(added.statusCode, 201, 'accepted');
  t.equal(added.json.data.path, '*');
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 503);
  expectContract(t, await call(mock, fileUrl(SESSION, 'dl-b'), { headers: keyHeader }), 503);
  expectContract(t, await call(mock, '/v1/sessions/x/downloads/y/fetch', { headers: keyHeader }), 503);
  await admin(mock, 'DELETE', '/faults');

  for (const path of ['*/downloads', 'v1/sessions/*', '**', '']) {
    const error = expectEnvelope(t, await admin(mock, 'POST', '/faults', { path, status: 503 }), 400);
    const message = 'Invalid body.path: must be * (any path) or start with /.';
    t.equal(error.message, message, `${JSON.stringify(path)} is refused`);
  }
  t.same((await admin(mock, 'GET', '/faults')).json, { data: [] }, 'nothing added');
});

t.test('an api_key rule fails only that key, and is listed only by fingerprint', async (t) => {
  const mock = await startTestMock(t);
  const added = await admin(mock, 'POST', '/faults', { api_key: 'ak_test_globex', status: 401 });
  t.match(added.json.data, { api_key_fingerprint: /^ak_t…[0-9a-f]{8}$/ });
  t.notOk('api_key' in added.json.data);
  t.notOk(added.body.includes('ak_test_globex'), 'the answer does not echo the key');
  t.notOk((await admin(mock, 'GET', '/faults')).body.includes('ak_test_globex'), 'nor does the list');

  expectContract(t, await call(mock, listUrl(OTHER_SESSION), { headers: globex }), 401);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
});

t.test('headers of a rule appear on its response', async (t) => {
  const mock = await startTestMock(t);
  await admin(mock, 'POST', '/faults', { status: 503, headers: { 'retry-after': '7', 'x-should-retry': 'false' } });
  const res = await call(mock, listUrl(SESSION), { headers: keyHeader });
  expectContract(t, res, 503);
  t.equal(res.headers['retry-after'], '7');
  t.equal(res.headers['x-should-retry'], 'false');
});

t.test('error "reset" destroys the connection: fetch rejects, and the journal says status 0', async (t) => {
  const mock = await startTestMock(t);
  const rule = (await admin(mock, 'POST', '/faults', { session_id: SESSION, error: 'reset', times: 1 })).json.data;
  const err = await connectionFailure(t, call(mock, listUrl(SESSION), { headers: keyHeader }));
  t.type(err, TypeError, 'fetch failed');
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  t.equal(mock.requests().length, 2, 'one entry per request');
  t.match(mock.requests()[0], { status: 0, response_bytes: 0, fault_id: rule.id, session_id: SESSION });
});

t.test('error "empty" closes the connection without a reply', async (t) => {
  const mock = await startTestMock(t);
  const rule = (await admin(mock, 'POST', '/faults', { session_id: SESSION, error: 'empty', times: 1 })).json.data;
  const err = await connectionFailure(t, call(mock, listUrl(SESSION), { headers: keyHeader }));
  t.type(err, TypeError, 'fetch failed');
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  t.same(
    mock.requests().map((e) => [e.status, e.fault_id]),
    [
      [0, rule.id],
      [200, null],
    ],
  );
});

t.test('delay_ms delays the answer; a delay-only rule then answers normally', async (t) => {
  const mock = await startTestMock(t);
  await admin(mock, 'POST', '/faults', { session_id: SESSION, delay_ms: 50, times: 1 });
  const started = performance.now();
  const res = await call(mock, listUrl(SESSION), { headers: keyHeader });
  const elapsed = performance.now() - started;
  expectContract(t, res, 200);
  // Timers may fire a fraction of a millisecond early against performance.now().
  t.ok(elapsed >= 49, `answered after ${elapsed.toFixed(1)} ms, not before 50`);
});

t.test('DELETE /_mock/faults/:id removes one rule; an unknown id answers 404', async (t) => {
  const mock = await startTestMock(t);
  const a = (await admin(mock, 'POST', '/faults', { session_id: SESSION, status: 500 })).json.data;
  const b = (await admin(mock, 'POST', '/faults', { session_id: OTHER_SESSION, status: 500 })).json.data;
  const removed = await admin(mock, 'DELETE', `/faults/${a.id}`);
  t.equal(removed.statusCode, 204);
  t.same(
    (await admin(mock, 'GET', '/faults')).json.data.map((r: { id: string }) => r.id),
    [b.id],
  );
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  expectEnvelope(t, await admin(mock, 'DELETE', `/faults/${a.id}`), 404);
  expectEnvelope(t, await admin(mock, 'DELETE', '/faults/nope'), 404);
});

t.test('DELETE /_mock/faults removes every rule', async (t) => {
  const mock = await startTestMock(t);
  await admin(mock, 'POST', '/faults', { status: 500 });
  await admin(mock, 'POST', '/faults', { status: 502 });
  t.equal((await admin(mock, 'DELETE', '/faults')).statusCode, 204);
  t.same((await admin(mock, 'GET', '/faults')).json, { data: [] });
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
});

t.test('GET /_mock/faults shows hits and what remains', async (t) => {
  const mock = await startTestMock(t);
  await admin(mock, 'POST', '/faults', { session_id: SESSION, status: 503, times: 3 });
  await call(mock, listUrl(SESSION), { headers: keyHeader });
  t.match((await admin(mock, 'GET', '/faults')).json.data, [{ remaining: 2, hits: 1 }]);
});

t.test('invalid rules answer 400 in the envelope and add nothing', async (t) => {
  const mock = await startTestMock(t);
  const cases: Array<[string, unknown, RegExp]> = [
    ['status 418', { status: 418 }, /status.*must be one of 401, 404, 429, 500, 502, 503, 504/],
    ['status and error together', { status: 503, error: 'reset' }, /status or error, not both/],
    ['an unknown field', { status: 503, sesion_id: 's1' }, /sesion_id/],
    ['nothing to do', { method: 'GET' }, /needs status, error or delay_ms/],
    ['headers without status', { error: 'empty', headers: { 'retry-after': '1' } }, /headers go with status/],
    ['times 0', { status: 500, times: 0 }, /times/],
  ];
  for (const [what, rule, message] of cases) {
    const error = expectEnvelope(t, await admin(mock, 'POST', '/faults', rule), 400);
    t.match(error.message, message, what);
  }
  t.same((await admin(mock, 'GET', '/faults')).json, { data: [] });
});

t.test('a header value Node cannot send answers 400 naming the header value, and adds no rule', async (t) => {
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
