import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { buildTestApp, fileUrl, SESSION } from '../helpers/app.js';

// If-None-Match on the two file routes (file_link and SignedUrl), as real HTTP
// clients send it: RFC 9110 evaluates it whatever the request's Cache-Control.

const key = { 'anchor-api-key': 'ak_test_acme' };
const PDF_TEXT = '%PDF-1.4 pretend'; // dl-b's content in smallWorld

/** The small world on 127.0.0.1, and its origin for fetch(). */
async function listening(t: Test) {
  const built = await buildTestApp(t);
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...built, origin: `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}` };
}

/** dl-b's signed URL, as a path on whatever origin serves it. */
async function signedPath(app: Awaited<ReturnType<typeof listening>>['app']): Promise<string> {
  const res = await app.inject({ url: `/v1/sessions/${SESSION}/downloads/dl-b/fetch`, headers: key });
  const url = new URL((JSON.parse(res.body) as { data: { SignedUrl: string } }).data.SignedUrl);
  return url.pathname + url.search;
}

t.test('fetch() sends cache-control: no-cache with every If-None-Match (why the tests below use it)', async (t) => {
  let seen: http.IncomingHttpHeaders = {};
  const server = http.createServer((req, res) => {
    seen = req.headers;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await (await fetch(`${origin}/`, { headers: { 'if-none-match': '"x"' } })).text();
  t.equal(seen['if-none-match'], '"x"');
  t.equal(seen['cache-control'], 'no-cache', 'added by fetch, not by the caller');
});

t.test("a real fetch() with the file_link's etag gets 304, GET and HEAD; another etag gets the file", async (t) => {
  const { origin } = await listening(t);
  const url = origin + fileUrl(SESSION, 'dl-b');
  const first = await fetch(url, { headers: key });
  t.equal(first.status, 200);
  t.equal(await first.text(), PDF_TEXT);
  const etag = first.headers.get('etag')!;
  t.match(etag, /^"[^"]+"$/);

  for (const method of ['GET', 'HEAD']) {
    const notModified = await fetch(url, { method, headers: { ...key, 'if-none-match': etag } });
    t.equal(notModified.status, 304, `${method}: 304`);
    t.equal(notModified.headers.get('etag'), etag, `${method}: the 304 repeats the etag`);
    t.equal(await notModified.text(), '', `${method}: no body`);
  }
  const listed = await fetch(url, { headers: { ...key, 'if-none-match': `"other", W/${etag}` } });
  t.equal(listed.status, 304, 'a weak match in a list is enough (If-None-Match compares weakly)');
  await listed.text();

  const stale = await fetch(url, { headers: { ...key, 'if-none-match': '"not-the-etag"' } });
  t.equal(stale.status, 200);
  t.equal(await stale.text(), PDF_TEXT, 'the whole file');
});

t.test("a real fetch() with a SignedUrl's etag gets 304", async (t) => {
  const { app, origin } = await listening(t);
  const url = origin + (await signedPath(app));
  const first = await fetch(url);
  t.equal(first.status, 200);
  await first.text();
  const notModified = await fetch(url, { headers: { 'if-none-match': first.headers.get('etag')! } });
  t.equal(notModified.status, 304);
  t.equal(await notModified.text(), '');
});

t.test('If-None-Match answers 304 whatever Cache-Control or Pragma say, and 200 when it does not match', async (t) => {
  const { app } = await buildTestApp(t);
  const url = fileUrl(SESSION, 'dl-b');
  const etag = String((await app.inject({ url, headers: key })).headers.etag);
  const signed = await signedPath(app);
  const directives = [
    { 'cache-control': 'no-cache' },
    { 'cache-control': 'max-age=0, no-cache' },
    { 'cache-control': 'no-store' },
    { pragma: 'no-cache' },
    { 'cache-control': 'no-cache', pragma: 'no-cache', 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' },
  ];
  for (const directive of directives) {
    const name = JSON.stringify(directive);
    const res = await app.inject({ url, headers: { ...key, ...directive, 'if-none-match': etag } });
    t.equal(res.statusCode, 304, `file_link, ${name}`);
    t.equal(res.rawPayload.length, 0);
    const viaSignedUrl = await app.inject({ url: signed, headers: { ...directive, 'if-none-match': etag } });
    t.equal(viaSignedUrl.statusCode, 304, `SignedUrl, ${name}`);
    const other = await app.inject({ url, headers: { ...key, ...directive, 'if-none-match': '"other"' } });
    t.equal(other.statusCode, 200, `another etag, ${name}`);
    t.equal(other.body, PDF_TEXT);
  }
});

t.test('If-Modified-Since alone gets the file: the routes send no Last-Modified to compare it with', async (t) => {
  const { app } = await buildTestApp(t);
  const future = 'Fri, 31 Dec 9999 23:59:59 GMT';
  const res = await app.inject({ url: fileUrl(SESSION, 'dl-b'), headers: { ...key, 'if-modified-since': future } });
  t.equal(res.statusCode, 200);
  t.notOk(res.headers['last-modified']);
  t.equal(res.body, PDF_TEXT);
});
