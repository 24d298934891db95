import { createHmac } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import t, { type Test } from 'tap';
import { generateContent } from '../../src/domain/generated-content.js';
import { JSON_CONTENT_TYPE } from '../../src/http/errors.js';
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

// Fetch Session Download (the reference's companion endpoint) and the signed URL it answers.

const key = { 'anchor-api-key': 'ak_test_acme' };
const tight = { 'anchor-api-key': 'ak_test_tight' }; // capacity 2, 0.5 tokens/s
const PDF_TEXT = '%PDF-1.4 pretend';

const fetchUrl = (sessionId: string, downloadId: string) =>
  `/v1/sessions/${encodeURIComponent(sessionId)}/downloads/${encodeURIComponent(downloadId)}/fetch`;

const hmac = (secret: string, downloadId: string, expires: number | string) =>
  createHmac('sha256', secret).update(`${downloadId}.${expires}`).digest('hex');

/**
 * The reference's 200 of Fetch Session Download, {"data":{"status","SignedUrl","message"}}.
 * The project's contract copy has only List Session Downloads, so its shape is checked here.
 */
function expectSignedUrlBody(t: Test, res: LightMyRequestResponse) {
  t.equal(res.statusCode, 200, 'status 200');
  t.equal(res.headers['content-type'], JSON_CONTENT_TYPE, 'JSON content type');
  const body = JSON.parse(res.body) as { data: { status: string; SignedUrl: string; message: string } };
  t.same(Object.keys(body), ['data'], 'only data at the top');
  t.same(Object.keys(body.data).sort(), ['SignedUrl', 'message', 'status']);
  t.equal(body.data.status, 'success');
  t.type(body.data.message, 'string');
  t.ok(body.data.message.length > 0, 'a message');
  t.doesNotThrow(() => new URL(body.data.SignedUrl), 'SignedUrl is an absolute URL');
  return body.data;
}

async function signedUrl(t: Test, app: FastifyInstance, sessionId = SESSION, downloadId = 'dl-b', headers = key) {
  const data = expectSignedUrlBody(t, await app.inject({ url: fetchUrl(sessionId, downloadId), headers }));
  const url = new URL(data.SignedUrl);
  return { url, path: url.pathname + url.search };
}

/** The headers a file answer carries, without those that change per request. */
function fileHeaders(res: LightMyRequestResponse) {
  const { date: _date, connection: _connection, ...rest } = res.headers;
  for (const name of Object.keys(rest)) if (name.startsWith('x-ratelimit-')) delete rest[name];
  return rest;
}

t.test('Fetch Session Download answers a signed URL on the public URL, expiring after the TTL', async (t) => {
  const { app } = await buildTestApp(t);
  const { url } = await signedUrl(t, app, SESSION, 'dl-b');
  const expires = T0 / 1000 + 3600;
  t.equal(
    url.href,
    `http://mock.test:4010/signed-downloads/dl-b?expires=${expires}&signature=${hmac('test-secret', 'dl-b', expires)}`,
  );
  t.equal(url.origin, 'http://mock.test:4010');
  t.equal(url.pathname, '/signed-downloads/dl-b');
  t.same([...url.searchParams.keys()].sort(), ['expires', 'signature']);
  t.equal(url.searchParams.get('expires'), String(expires));
  t.equal(
    url.searchParams.get('signature'),
    hmac('test-secret', 'dl-b', expires),
    'hex HMAC-SHA256 of "<id>.<expires>"',
  );
});

t.test(
  'expires is the current Unix second, rounded up, plus the TTL: the URL lives at least the whole TTL',
  async (t) => {
    const { app, clock } = await buildTestApp(t, { signedUrlTtlSeconds: 60 });
    clock.advance(1999);
    const { url } = await signedUrl(t, app);
    const expires = Math.ceil(clock.now() / 1000) + 60;
    t.equal(expires, T0 / 1000 + 62);
    t.equal(url.searchParams.get('expires'), String(expires));
    t.equal(url.searchParams.get('signature'), hmac('test-secret', 'dl-b', expires));
    // Exactly the TTL later it still serves the file.
    clock.advance(60_000);
    const res = await app.inject({ url: url.pathname + url.search });
    t.equal(res.statusCode, 200, 'still valid at exactly the TTL');
  },
);

t.test('a missing, empty or unknown key answers 401 in the envelope and takes no token', async (t) => {
  const { app } = await buildTestApp(t, { rateLimit: { capacity: 1, refillPerSecond: 0.001 } });
  for (const headers of [{}, { 'anchor-api-key': '' }, { 'anchor-api-key': 'ak_nope_nope' }]) {
    const res = await app.inject({ url: fetchUrl(SESSION, 'dl-b'), headers });
    t.same(expectContract(t, res, 401), { error: { code: 401, message: 'Invalid or missing API key.' } });
    t.notOk(res.headers['x-ratelimit-limit'], 'no rate-limit headers for an unknown key');
  }
  await signedUrl(t, app);
});

t.test('unknown, foreign or mismatched session/download pairs all answer the same 404', async (t) => {
  const { app } = await buildTestApp(t);
  const notFound = {
    error: { code: 404, message: 'The browser session or its downloads metadata could not be found.' },
  };
  const cases = {
    'unknown session': fetchUrl('no-such-session', 'dl-b'),
    "another account's session": fetchUrl(OTHER_SESSION, 'dl-g'),
    'unknown download': fetchUrl(SESSION, 'no-such-download'),
    "a download of the account's other session": fetchUrl(EMPTY_SESSION, 'dl-b'),
    "another account's download under an own session": fetchUrl(SESSION, 'dl-g'),
  };
  for (const [name, url] of Object.entries(cases)) {
    const res = await app.inject({ url, headers: key });
    t.same(expectContract(t, res, 404), notFound, name);
  }
  await signedUrl(t, app, OTHER_SESSION, 'dl-g', { 'anchor-api-key': 'ak_test_globex' });
});

t.test('Fetch Session Download shares the key bucket with the list: 429 with retry-after when empty', async (t) => {
  const { app } = await buildTestApp(t);
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: tight }), 200);
  const ok = await app.inject({ url: fetchUrl(SESSION, 'dl-b'), headers: tight });
  expectSignedUrlBody(t, ok);
  t.equal(ok.headers['x-ratelimit-remaining'], '0');
  const limited = await app.inject({ url: fetchUrl(SESSION, 'dl-b'), headers: tight });
  t.same(expectContract(t, limited, 429), {
    error: { code: 429, message: 'Too many requests, please try again later.' },
  });
  t.match(limited.headers, { 'retry-after-ms': '2000', 'retry-after': '2' });
  // 429 before the lookup
  expectContract(t, await app.inject({ url: fetchUrl('nope', 'nope'), headers: tight }), 429);
});

t.test('the signed URL serves the bytes without a key, with the same headers as file_link', async (t) => {
  const { app } = await buildTestApp(t);
  for (const id of ['dl-b', 'dl-a', 'dl-c']) {
    const { path } = await signedUrl(t, app, SESSION, id);
    const signed = await app.inject({ url: path });
    const keyed = await app.inject({ url: fileUrl(SESSION, id), headers: key });
    t.equal(signed.statusCode, 200, `${id}: 200 without a key`);
    t.same(signed.rawPayload, keyed.rawPayload, `${id}: the same bytes`);
    t.same(fileHeaders(signed), fileHeaders(keyed), `${id}: the same headers`);
  }
  const dlA = await app.inject({ url: (await signedUrl(t, app, SESSION, 'dl-a')).path });
  t.same(dlA.rawPayload, generateContent('dl-a', 1000));
  t.equal(dlA.headers['content-disposition'], 'attachment; filename="document (2).doc"');
  t.equal(dlA.headers['accept-ranges'], 'bytes');
});

t.test('the signed URL takes no token: it works with the bucket empty and sends no x-ratelimit headers', async (t) => {
  const { app } = await buildTestApp(t);
  const { path } = await signedUrl(t, app, SESSION, 'dl-b', tight);
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: tight }), 200);
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: tight }), 429);
  for (const headers of [{}, tight, {}]) {
    const res = await app.inject({ url: path, headers });
    t.equal(res.statusCode, 200);
    t.equal(res.body, PDF_TEXT);
    t.notOk(
      Object.keys(res.headers).some((h) => h.startsWith('x-ratelimit-')),
      'no x-ratelimit headers',
    );
  }
  // The bucket is still as empty as it was: nothing was taken, nothing refilled.
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: tight }), 429);
});

t.test('the signed URL honours Range, HEAD and If-None-Match like file_link', async (t) => {
  const { app } = await buildTestApp(t);
  const { path } = await signedUrl(t, app);

  const partial = await app.inject({ url: path, headers: { range: 'bytes=0-3' } });
  t.equal(partial.statusCode, 206);
  t.equal(partial.headers['content-range'], 'bytes 0-3/16');
  t.equal(partial.body, '%PDF');
  const suffix = await app.inject({ url: path, headers: { range: 'bytes=-2' } });
  t.equal(suffix.statusCode, 206);
  t.equal(suffix.body, 'nd');
  const open = await app.inject({ url: path, headers: { range: 'bytes=5-' } });
  t.equal(open.statusCode, 206);
  t.equal(open.headers['content-range'], 'bytes 5-15/16');
  const unsatisfiable = await app.inject({ url: path, headers: { range: 'bytes=16-' } });
  expectContract(t, unsatisfiable, 416);
  t.equal(unsatisfiable.headers['content-range'], 'bytes */16');
  const several = await app.inject({ url: path, headers: { range: 'bytes=0-1,5-6' } });
  t.equal(several.statusCode, 200);
  t.equal(several.body, PDF_TEXT);
  const malformed = await app.inject({ url: path, headers: { range: 'bytes=abc' } });
  t.equal(malformed.statusCode, 200);
  t.equal(malformed.body, PDF_TEXT);

  const head = await app.inject({ method: 'HEAD', url: path });
  t.equal(head.statusCode, 200);
  t.equal(head.rawPayload.length, 0);
  t.equal(head.headers['content-length'], '16');
  t.notOk(
    Object.keys(head.headers).some((h) => h.startsWith('x-ratelimit-')),
    'HEAD takes no token either',
  );

  const whole = await app.inject({ url: path });
  const etag = String(whole.headers.etag);
  const notModified = await app.inject({ url: path, headers: { 'if-none-match': etag } });
  t.equal(notModified.statusCode, 304);
  t.equal(notModified.rawPayload.length, 0);
  const other = await app.inject({ url: path, headers: { 'if-none-match': '"other"' } });
  t.equal(other.statusCode, 200);
  t.equal(other.body, PDF_TEXT);
});

t.test('the signed URL of a zero-byte file answers 416 to any range', async (t) => {
  const { app } = await buildTestApp(t);
  const { path } = await signedUrl(t, app, SESSION, 'dl-c');
  const res = await app.inject({ url: path, headers: { range: 'bytes=0-' } });
  expectContract(t, res, 416);
  t.equal(res.headers['content-range'], 'bytes */0');
});

t.test('the signed URL works until it expires, then answers 403 in the envelope', async (t) => {
  const { app, clock } = await buildTestApp(t);
  const { path } = await signedUrl(t, app);
  clock.advance(3599_000);
  t.equal((await app.inject({ url: path })).statusCode, 200, 'a second before expiry');
  clock.advance(2_000);
  const expired = await app.inject({ url: path });
  t.equal(expectContract(t, expired, 403).error.code, 403);
  t.notOk(expired.headers['content-disposition'], 'no file headers');
  // A fresh URL works again.
  t.equal((await app.inject({ url: (await signedUrl(t, app)).path })).statusCode, 200);
});

t.test(
  'a tampered signature, an altered expires, another id or missing params answer 403 in the envelope',
  async (t) => {
    const { app } = await buildTestApp(t);
    const { url } = await signedUrl(t, app);
    const expires = url.searchParams.get('expires')!;
    const signature = url.searchParams.get('signature')!;
    const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
    const cases = {
      'a tampered signature': `/signed-downloads/dl-b?expires=${expires}&signature=${flipped}`,
      'a truncated signature': `/signed-downloads/dl-b?expires=${expires}&signature=${signature.slice(0, 32)}`,
      'a non-hex signature': `/signed-downloads/dl-b?expires=${expires}&signature=${'z'.repeat(64)}`,
      'an altered expires': `/signed-downloads/dl-b?expires=${Number(expires) + 1}&signature=${signature}`,
      'expires moved far ahead': `/signed-downloads/dl-b?expires=${Number(expires) + 10_000_000}&signature=${signature}`,
      'a non-numeric expires': `/signed-downloads/dl-b?expires=soon&signature=${signature}`,
      "another download's id": `/signed-downloads/dl-a?expires=${expires}&signature=${signature}`,
      'no signature': `/signed-downloads/dl-b?expires=${expires}`,
      'no expires': `/signed-downloads/dl-b?signature=${signature}`,
      'no query at all': '/signed-downloads/dl-b',
      'empty params': '/signed-downloads/dl-b?expires=&signature=',
      'signed with another secret': `/signed-downloads/dl-b?expires=${expires}&signature=${hmac('other-secret', 'dl-b', expires)}`,
    };
    for (const [name, path] of Object.entries(cases)) {
      const res = await app.inject({ url: path });
      t.equal(expectContract(t, res, 403).error.code, 403, name);
      t.notOk(res.headers['content-disposition'], `${name}: no file headers`);
    }
    t.equal((await app.inject({ url: url.pathname + url.search })).statusCode, 200, 'the untouched URL still works');
  },
);

t.test('a validly signed URL for a download that does not exist answers 404 in the envelope', async (t) => {
  const { app } = await buildTestApp(t);
  const expires = T0 / 1000 + 60;
  const res = await app.inject({
    url: `/signed-downloads/no-such-download?expires=${expires}&signature=${hmac('test-secret', 'no-such-download', expires)}`,
  });
  t.equal(expectContract(t, res, 404).error.code, 404);
});

t.test('a signed URL outlives its download: a store without it answers 404 in the envelope', async (t) => {
  const { app } = await buildTestApp(t);
  const { path } = await signedUrl(t, app);
  const { app: emptied } = await buildTestApp(t, { fixtures: [] });
  const res = await emptied.inject({ url: path });
  t.equal(expectContract(t, res, 404).error.code, 404);
  // Another secret does not accept it at all.
  const { app: otherSecret } = await buildTestApp(t, { signingSecret: 'another-secret' });
  expectContract(t, await otherSecret.inject({ url: path }), 403);
});

t.test('an id with spaces and reserved characters is percent-encoded in the signed URL and served', async (t) => {
  const odd = 'dl é #1?';
  const { app } = await buildTestApp(t, {
    fixtures: [
      {
        accounts: [
          {
            id: 'acme',
            api_keys: ['ak_test_acme'],
            sessions: [
              {
                id: SESSION,
                downloads: [
                  {
                    id: odd,
                    original_download_url: 'https://e.example/x',
                    origin_url: 'https://e.example/',
                    original_file_name: 'x.bin',
                    size: 12,
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  const { url, path } = await signedUrl(t, app, SESSION, odd);
  t.equal(url.pathname, '/signed-downloads/dl%20%C3%A9%20%231%3F');
  t.equal(url.searchParams.get('signature'), hmac('test-secret', odd, url.searchParams.get('expires')!));
  const res = await app.inject({ url: path });
  t.equal(res.statusCode, 200);
  t.same(res.rawPayload, generateContent(odd, 12));
});
