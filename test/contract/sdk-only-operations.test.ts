import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { vendorProblems } from '../helpers/vendor-contract.js';

// The two paths the official SDK 0.16.3 calls that the vendor document lacks,
// checked here against the SDK's own types (resources/identities.d.ts,
// resources/tools.d.ts), written out as expectations.

const KEY = 'ak_sdk_only_main';
const ID = '5b0e8c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b';
const world = { accounts: [{ id: 'sdk-only', api_keys: [KEY] }] };
const headers = { 'anchor-api-key': KEY };

t.test('GET /v1/identities/{id}/credentials answers the unwrapped identity with its credentials', async (t) => {
  const { app } = await buildTestApp(t, { fixtures: [world] });
  const res = await app.inject({ method: 'GET', url: `/v1/identities/${ID}/credentials`, headers });
  t.equal(res.statusCode, 200);
  const body = res.json() as Record<string, unknown>;
  t.same(Object.keys(body).sort(), ['credentials', 'id', 'name', 'source'], 'not wrapped in data');
  t.equal(body.id, ID, 'the id asked for');
  t.type(body.name, 'string');
  t.match(body.source, /^https?:\/\//, 'source is a URL');
  const [credential] = body.credentials as Record<string, unknown>[];
  t.match(credential, { type: 'username_password', username: String, password: String });

  const malformed = await app.inject({ method: 'GET', url: '/v1/identities/not-a-uuid/credentials', headers });
  t.equal(malformed.statusCode, 404, 'an id that is not a UUID answers 404');
  t.same(vendorProblems('GET', '/v1/identities/{identityId}', 404, malformed.json(), { closed: true }), []);
  const noKey = await app.inject({ method: 'GET', url: `/v1/identities/${ID}/credentials` });
  t.equal(noKey.statusCode, 401);
});

t.test("POST /v1/tools/fetch-webpage answers the url's page as text, or the session's current page", async (t) => {
  const { app } = await buildTestApp(t, { fixtures: [world] });
  const fetchPage = (query: string, payload: object) =>
    app.inject({
      method: 'POST',
      url: `/v1/tools/fetch-webpage${query}`,
      headers: { ...headers, accept: 'text/plain' },
      payload,
    });
  const named = await fetchPage('', { url: 'https://example.com/a', format: 'markdown' });
  t.equal(named.statusCode, 200);
  t.match(named.headers['content-type'], /^text\/plain/);
  t.match(named.body, /^# https:\/\/example\.com\/a\n/, 'markdown, naming the url');

  const created = await app.inject({ method: 'POST', url: '/v1/sessions', headers, payload: {} });
  const id = (created.json() as { data: { id: string } }).data.id;
  const goto = await app.inject({
    method: 'POST',
    url: `/v1/sessions/${id}/goto`,
    headers,
    payload: { url: 'https://portal.example.com/reports' },
  });
  t.equal(goto.statusCode, 200);
  const current = await fetchPage(`?sessionId=${id}`, {});
  t.equal(current.statusCode, 200);
  t.match(current.body, /<title>https:\/\/portal\.example\.com\/reports<\/title>/, "the session's current page");

  const unknown = await fetchPage('?sessionId=abc', {});
  t.equal(unknown.statusCode, 404, 'an unknown session');
  t.same(vendorProblems('POST', '/v1/tools/fetch/webpage', 404, unknown.json(), { closed: true }), []);
  const neither = await fetchPage('', {});
  t.equal(neither.statusCode, 200, 'neither url nor sessionId: a blank page');
  t.match(neither.body, /about:blank/);
  const wrong = await app.inject({ method: 'POST', url: '/v1/tools/fetch-webpage', headers, payload: { url: 3 } });
  t.equal(wrong.statusCode, 400);
  t.match(wrong.json(), { error: { code: 400, message: /body\.url/ } }, 'names the field');
  const preferred = await app.inject({
    method: 'POST',
    url: '/v1/tools/fetch-webpage',
    headers: { ...headers, prefer: 'code=500' },
    payload: {},
  });
  t.equal(preferred.statusCode, 500);
  t.match(preferred.json(), { error: { code: 500, message: String } });
});
