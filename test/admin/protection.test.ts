import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, expectContract, listUrl, SESSION } from '../helpers/app.js';
import { admin, call, expectEnvelope, keyHeader, startTestMock } from './live-mock.js';

// Who may use /_mock: with an admin token, only bearers of it; without one,
// only loopback callers. /_mock/health always answers.

/** Every /_mock route but health, each with a body it would accept. */
const ADMIN_ROUTES: Array<{ method: string; path: string; body?: unknown }> = [
  { method: 'POST', path: '/_mock/fixtures', body: { accounts: [{ id: 'intruder', api_keys: ['ak_intruder_key'] }] } },
  { method: 'GET', path: '/_mock/state' },
  { method: 'DELETE', path: '/_mock/state' },
  { method: 'POST', path: '/_mock/reset' },
  { method: 'GET', path: '/_mock/requests' },
  { method: 'DELETE', path: '/_mock/requests' },
  { method: 'POST', path: '/_mock/faults', body: { status: 500 } },
  { method: 'GET', path: '/_mock/faults' },
  { method: 'DELETE', path: '/_mock/faults/f1' },
  { method: 'DELETE', path: '/_mock/faults' },
  { method: 'GET', path: '/_mock/clock' },
  { method: 'POST', path: '/_mock/clock', body: { advance_ms: 1 } },
];

const smallWorldTotals = { accounts: 2, api_keys: 3, sessions: 3, downloads: 4 };

async function totals(app: FastifyInstance, remoteAddress = '127.0.0.1') {
  const res = await app.inject({ url: '/_mock/state', remoteAddress });
  return (JSON.parse(res.body) as { data: { totals: unknown } }).data.totals;
}

t.test('with an admin token, every /_mock route answers 401 without it or with a wrong one', async (t) => {
  const mock = await startTestMock(t, { adminToken: 'tok' });
  for (const authorization of [undefined, 'Bearer wrong', 'Bearer tok2', 'Bearer ', 'Basic dG9rOnRvaw==', 'tok']) {
    for (const route of ADMIN_ROUTES) {
      const res = await call(mock, route.path, {
        method: route.method,
        body: route.body,
        headers: authorization === undefined ? {} : { authorization },
      });
      const what = `${route.method} ${route.path} with ${authorization ?? 'no authorization'}`;
      t.equal(res.statusCode, 401, what);
      t.same(
        JSON.parse(res.body),
        { error: { code: 401, message: 'The /_mock API needs authorization: Bearer <admin token>.' } },
        what,
      );
      t.match(res.headers['www-authenticate'], /^Bearer /, what);
    }
  }
  // Nothing the refused calls asked for happened.
  const state = await admin(mock, 'GET', '/state', undefined, { authorization: 'Bearer tok' });
  t.same(state.json.data.totals, smallWorldTotals);
  t.same(mock.faults.list(), []);
  t.equal(
    mock.clock.now(),
    (await admin(mock, 'GET', '/clock', undefined, { authorization: 'Bearer tok' })).json.data.epoch_ms,
  );
});

t.test('with an admin token, the right bearer is let through on every /_mock route', async (t) => {
  const mock = await startTestMock(t, { adminToken: 'tok' });
  mock.faults.add({ status: 500, path: '/nowhere' }); // so that DELETE /_mock/faults/f1 finds f1
  for (const route of ADMIN_ROUTES) {
    const res = await call(mock, route.path, {
      method: route.method,
      body: route.body,
      headers: { authorization: 'Bearer tok' },
    });
    t.ok(res.statusCode < 300, `${route.method} ${route.path} answers ${res.statusCode}`);
  }
  const lower = await admin(mock, 'GET', '/state', undefined, { authorization: 'bearer tok' });
  t.equal(lower.statusCode, 200, 'the scheme is case-insensitive');
});

t.test('/_mock/health needs no token, and the emulated API needs only its key', async (t) => {
  const mock = await startTestMock(t, { adminToken: 'tok' });
  const health = await call(mock, '/_mock/health');
  t.equal(health.statusCode, 200);
  t.match(JSON.parse(health.body), { status: 'ok' });
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  expectContract(
    t,
    await call(mock, listUrl(SESSION), { headers: { ...keyHeader, authorization: 'Bearer wrong' } }),
    200,
  );
});

t.test('with a token, a caller from another host with the right bearer is let through', async (t) => {
  const { app } = await buildTestApp(t, { adminToken: 'tok' });
  const res = await app.inject({
    url: '/_mock/state',
    remoteAddress: '10.1.2.3',
    headers: { authorization: 'Bearer tok' },
  });
  t.equal(res.statusCode, 200);
  const refused = await app.inject({ url: '/_mock/state', remoteAddress: '10.1.2.3' });
  expectEnvelope(t, refused, 401);
});

t.test('without a token, /_mock refuses callers from other hosts with 403 in the envelope', async (t) => {
  const { app } = await buildTestApp(t);
  for (const remoteAddress of ['10.1.2.3', '192.168.0.7', '::ffff:10.1.2.3', '2001:db8::1', '0.0.0.0']) {
    for (const route of ADMIN_ROUTES) {
      const res = await app.inject({
        method: route.method as 'GET',
        url: route.path,
        payload: route.body as object | undefined,
        remoteAddress,
      });
      const error = expectEnvelope(t, res, 403);
      t.match(error.message, /only loopback callers/, `${route.method} ${route.path} from ${remoteAddress}`);
    }
  }
  t.same(await totals(app), smallWorldTotals, 'nothing was changed');
  t.same(app.mock.faults.list(), []);
});

t.test('without a token, loopback callers are let through: 127.0.0.1, ::1 and ::ffff:127.0.0.1', async (t) => {
  const { app } = await buildTestApp(t);
  for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.0.0.2']) {
    const res = await app.inject({ url: '/_mock/state', remoteAddress });
    t.equal(res.statusCode, 200, remoteAddress);
  }
});

t.test('callers from other hosts still reach /_mock/health and the emulated API', async (t) => {
  const { app } = await buildTestApp(t);
  const health = await app.inject({ url: '/_mock/health', remoteAddress: '10.1.2.3' });
  t.equal(health.statusCode, 200);
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: keyHeader, remoteAddress: '10.1.2.3' }), 200);
});

t.test('admin: false removes the /_mock routes (404), but /_mock/health still answers', async (t) => {
  const { app } = await buildTestApp(t, { admin: false });
  for (const route of ADMIN_ROUTES) {
    const res = await app.inject({
      method: route.method as 'GET',
      url: route.path,
      payload: route.body as object | undefined,
    });
    expectEnvelope(t, res, 404);
  }
  t.equal((await app.inject({ url: '/_mock/health' })).statusCode, 200);
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: keyHeader }), 200);
});

t.test('admin: false over real HTTP with startMockServer', async (t) => {
  const mock = await startTestMock(t, { admin: false });
  expectEnvelope(t, await call(mock, '/_mock/state'), 404);
  t.equal((await call(mock, '/_mock/health')).statusCode, 200);
});

/** A JSON fixture document of exactly `bytes` bytes (padded with spaces, which JSON ignores). */
function jsonOfSize(bytes: number): string {
  const text = JSON.stringify({ accounts: [{ id: 'big', api_keys: ['ak_test_big_key'] }] });
  return text + ' '.repeat(bytes - Buffer.byteLength(text));
}

/** The same as YAML, padded with a comment. */
function yamlOfSize(bytes: number): string {
  const text = 'accounts:\n  - id: big\n    api_keys: [ak_test_big_key]\n#';
  return text + 'x'.repeat(bytes - Buffer.byteLength(text));
}

t.test('a body over the limit answers 413 in the envelope naming the limit, and loads nothing', async (t) => {
  const { app } = await buildTestApp(t, { bodyLimit: 1000 });
  for (const [type, payload] of [
    ['application/json', jsonOfSize(2000)],
    ['application/yaml', yamlOfSize(2000)],
  ] as const) {
    t.equal(Buffer.byteLength(payload), 2000);
    const res = await app.inject({
      method: 'POST',
      url: '/_mock/fixtures',
      headers: { 'content-type': type },
      payload,
    });
    const error = expectEnvelope(t, res, 413);
    t.equal(error.message, 'Request body is larger than the limit of 1000 bytes (--body-limit).', type);
  }
  t.same(await totals(app), smallWorldTotals);
});

t.test('a body within the limit loads', async (t) => {
  const { app } = await buildTestApp(t, { bodyLimit: 1000 });
  for (const [type, payload] of [
    ['application/json', jsonOfSize(1000)],
    ['application/yaml', yamlOfSize(1000)],
  ] as const) {
    const res = await app.inject({
      method: 'POST',
      url: '/_mock/fixtures',
      headers: { 'content-type': type },
      payload,
    });
    t.equal(res.statusCode, 201, type);
  }
});

t.test('a body of a type the route does not take answers 415 naming those it takes; nothing changes', async (t) => {
  const { app } = await buildTestApp(t);
  const yaml = 'application/yaml, application/x-yaml, text/yaml, text/x-yaml, text/plain';
  for (const { method, path } of ADMIN_ROUTES.filter((r) => r.method !== 'GET')) {
    const takes = path === '/_mock/fixtures' ? `application/json, ${yaml}` : 'application/json';
    const headers = { 'content-type': 'application/xml' };
    const res = await app.inject({ method: method as 'POST', url: path, headers, payload: '<a/>' });
    const error = expectEnvelope(t, res, 415);
    t.equal(error.message, `Unsupported content-type "application/xml": this route takes ${takes}.`, method + path);
  }
  const bare = await app.inject({ method: 'POST', url: '/_mock/faults', payload: '{"status":500}' });
  const bareMessage = 'A body needs a content-type: this route takes application/json.';
  t.equal(expectEnvelope(t, bare, 415).message, bareMessage, 'no content-type at all');
  t.same(await totals(app), smallWorldTotals, 'nothing wiped or loaded');
  t.same(JSON.parse((await app.inject({ url: '/_mock/faults' })).body), { data: [] }, 'no rule added');
});

t.test('a wrong method on an admin path answers 405 even with a body of a type no route takes', async (t) => {
  const { app } = await buildTestApp(t);
  const headers = { 'content-type': 'application/xml' };
  const res = await app.inject({ method: 'PUT', url: '/_mock/faults', headers, payload: '<a/>' });
  expectEnvelope(t, res, 405);
  t.equal(res.headers.allow, 'DELETE, GET, HEAD, POST');
});
