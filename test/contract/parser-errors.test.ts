import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { vendorProblems } from '../helpers/vendor-contract.js';

// Errors Fastify raises before an operation's handler runs (unparsable JSON,
// an unsupported content-type, a body over the limit) answer in the shape the
// operation declares for that status, as its own errors do.

const KEY = 'ak_parser_errors_main';
const world = { accounts: [{ id: 'parser', api_keys: [KEY] }] };
const json = { 'anchor-api-key': KEY, 'content-type': 'application/json' };

t.test('unparsable JSON answers 400 in each operation’s declared shape', async (t) => {
  const { app } = await buildTestApp(t, { fixtures: [world] });
  const cases: [string, string, string, RegExp][] = [
    ['POST', '/v1/webhooks', '/v1/webhooks', /^\{"error":"/],
    // goto declares its 400 as the envelope (its 404 and 500 are the nested form).
    ['POST', '/v1/sessions/x/goto', '/v1/sessions/{sessionId}/goto', /^\{"error":\{"code":400,/],
    ['POST', '/v1/tools/page-pdf', '/v1/tools/page-pdf', /^\{"error":"[^"]+","details":\[\]\}$/],
    ['POST', '/v1/profiles', '/v1/profiles', /^\{"error":\{"code":400,/],
  ];
  for (const [method, url, path, shape] of cases) {
    const res = await app.inject({ method: method as 'POST', url, headers: json, payload: '{"broken": ' });
    t.equal(res.statusCode, 400, `${method} ${url}`);
    t.match(res.body, shape, `${method} ${url}: its shape`);
    t.same(vendorProblems(method, path, 400, res.json(), { closed: true }), [], `${method} ${url}: validates`);
  }
});

t.test('an unsupported content-type answers 415 in the family’s shape, naming what the operation takes', async (t) => {
  const { app } = await buildTestApp(t, { fixtures: [world] });
  const webhook = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: { 'anchor-api-key': KEY, 'content-type': 'text/csv' },
    payload: 'a,b',
  });
  t.equal(webhook.statusCode, 415);
  t.same(vendorProblems('POST', '/v1/webhooks', 415, webhook.json(), { closed: true }), []);
  t.match(webhook.json(), { error: /application\/json/ });
  const upload = await app.inject({ method: 'POST', url: '/v1/sessions/x/uploads', headers: json, payload: '{}' });
  t.equal(upload.statusCode, 415);
  t.match(upload.json(), { error: { code: 415, message: /multipart\/form-data/ } });
});
