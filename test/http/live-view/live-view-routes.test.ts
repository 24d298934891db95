import Fastify from 'fastify';
import t from 'tap';
import liveViewRoutes, { type LiveViewProvider } from '../../../src/http/live-view/live-view-routes.js';
import { liveViewUrlFor as liveViewUrl } from '../../../src/domain/sessions/session-urls.js';
import { buildTestApp, EMPTY_SESSION, SESSION } from '../../helpers/app.js';

// GET /live/sessions/{id}: the page behind a session's live_view_url, served
// without a key (the URL is the credential), as HTML, or a 404 page.

t.test("a session's live view is an HTML page of its status and downloads, served without a key", async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({ url: `/live/sessions/${SESSION}` });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  t.match(res.body, `<title>Live view · completed · ${SESSION}</title>`);
  t.match(res.body, '<dd class="status" id="status">completed</dd>');
  t.match(res.body, '2025-01-18T03:30:00.000Z', "the session's created_at");
  for (const name of ['report.pdf', 'document.doc', 'béré – 報告.txt']) t.match(res.body, `<td>${name}</td>`);
  t.match(res.body, '<td>1000 B</td>');
  t.notMatch(res.body, 'http-equiv', 'a fixture session has ended: no reload');
  t.notMatch(res.body, '/fetch', 'no file links: whoever opens the page has no key');
  t.match(res.headers['content-security-policy'], "default-src 'none'");
  t.equal(res.headers['referrer-policy'], 'no-referrer');
  t.equal(res.headers['cache-control'], 'no-store');
});

t.test('a session without downloads says so; ids are taken percent-encoded', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({ url: `/live/sessions/${EMPTY_SESSION}` });
  t.equal(res.statusCode, 200);
  t.match(res.body, 'No download yet.');
  const encoded = await app.inject({ url: `/live/sessions/${encodeURIComponent('sess-1')}` });
  t.equal(encoded.statusCode, 200);
});

t.test('an unknown session answers a 404 HTML page that names the id as text', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({ url: `/live/sessions/${encodeURIComponent('<b>nope</b>')}` });
  t.equal(res.statusCode, 404);
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  t.match(res.body, '<title>Live view · session not found</title>');
  t.match(res.body, 'No session <code>&lt;b&gt;nope&lt;/b&gt;</code>');
});

t.test('the live view is not an operation of the vendor API: absent from the OpenAPI document', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
  t.same(
    Object.keys(doc.paths).filter((p) => p.startsWith('/live') || p.startsWith('/cdp')),
    [],
  );
});

t.test('the route shows what its provider gives, escaped', async (t) => {
  const app = Fastify();
  t.teardown(() => app.close());
  const seen: string[] = [];
  const view: LiveViewProvider = (id) => {
    seen.push(id);
    return id === 'a b'
      ? {
          session: { id, status: 'running', created_at: 0, tags: ['<i>tag</i>'] },
          activity: [{ at: 0, kind: 'goto', detail: { url: 'https://example.com/?q=<x>' } }],
          downloads: [],
        }
      : undefined;
  };
  await app.register(liveViewRoutes, { view });
  const res = await app.inject({ url: '/live/sessions/a%20b' });
  t.equal(res.statusCode, 200);
  t.same(seen, ['a b'], 'the provider gets the decoded id');
  t.match(res.body, '<span class="tag">&lt;i&gt;tag&lt;/i&gt;</span>');
  t.match(res.body, 'https://example.com/?q=&lt;x&gt;');
  t.match(res.body, 'http-equiv="refresh"', 'a running session reloads');
});

t.test('live_view_url is the public URL, any path prefix kept, with the id encoded', async (t) => {
  t.equal(liveViewUrl('http://127.0.0.1:4010', 'sess-1'), 'http://127.0.0.1:4010/live/sessions/sess-1');
  t.equal(liveViewUrl('https://mock.example/base', 'a b/c'), 'https://mock.example/base/live/sessions/a%20b%2Fc');
});
