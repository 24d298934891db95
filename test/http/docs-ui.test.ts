import { createRequire } from 'node:module';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

// The docs UI is loaded on the first request under /docs, not when the app starts.

const require = createRequire(import.meta.url);
const UI_ENTRY = require.resolve('@fastify/swagger-ui');
const STATIC_ENTRY = require.resolve('@fastify/static', { paths: [UI_ENTRY] });
const loaded = (file: string) => file in require.cache;

t.test('the docs UI and its static-file plugin load on the first /docs request, not at start', async (t) => {
  const { app } = await buildTestApp(t);
  await app.inject({ url: '/_mock/health' });
  t.notOk(loaded(UI_ENTRY), '@fastify/swagger-ui is not loaded after start');
  t.notOk(loaded(STATIC_ENTRY), '@fastify/static is not loaded after start');

  const page = await app.inject({ url: '/docs/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html\b/);
  t.ok(loaded(UI_ENTRY), 'loaded once asked for');

  const script = await app.inject({ url: '/docs/static/swagger-initializer.js' });
  t.equal(script.statusCode, 200, 'its scripts are served');
  const json = await app.inject({ url: '/docs/json' });
  t.equal(json.statusCode, 200);
  t.equal(json.body, (await app.inject({ url: '/openapi.json' })).body, '/docs/json is the served document');
});

t.test('an unknown path under /docs answers 404 in the error envelope', async (t) => {
  const { app } = await buildTestApp(t);
  for (const url of ['/docs/static/no-such-file.js', '/docs/nothing']) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 404, url);
    t.match(JSON.parse(res.body), { error: { code: 404, message: /No route|not found/i } }, url);
  }
});

t.test('two apps each serve the UI, and closing one leaves the other working', async (t) => {
  const first = await buildTestApp(t);
  const second = await buildTestApp(t);
  t.equal((await first.app.inject({ url: '/docs/' })).statusCode, 200);
  await first.app.close();
  t.equal((await second.app.inject({ url: '/docs/' })).statusCode, 200);
});
