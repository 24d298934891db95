import t from 'tap';
import { buildTestApp, EMPTY_SESSION, expectContract, listUrl, OTHER_SESSION, SESSION } from '../helpers/app.js';

const key = { 'anchor-api-key': 'ak_test_acme' };

t.test('a session lists its downloads oldest first with all nine fields', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({ url: listUrl(SESSION), headers: key });
  const body = expectContract(t, res, 200);
  t.equal(body.data.count, 3);
  // created_at ascending, ties broken by id
  t.same(
    body.data.items.map((i: { id: string }) => i.id),
    ['dl-a', 'dl-b', 'dl-c'],
  );
  t.same(body.data.items[0], {
    id: 'dl-a',
    file_link: `http://mock.test:4010/sessions/${SESSION}/downloads/dl-a/fetch`,
    original_download_url: 'https://example.com/files/document.doc',
    origin_url: 'https://example.com/files/',
    suggested_file_name: 'document (2).doc',
    original_file_name: 'document.doc',
    duration: 2025,
    size: 1000,
    created_at: '2025-01-18T03:34:56.043Z',
  });
});

t.test('a session with no downloads answers 200 with count 0 and no items', async (t) => {
  const { app } = await buildTestApp(t);
  const body = expectContract(t, await app.inject({ url: listUrl(EMPTY_SESSION), headers: key }), 200);
  t.same(body, { data: { count: 0, items: [] } });
});

t.test('a missing, empty or unknown key answers 401 in the envelope and takes no token', async (t) => {
  const { app } = await buildTestApp(t, { rateLimit: { capacity: 1, refillPerSecond: 0.001 } });
  for (const headers of [
    {},
    { 'anchor-api-key': '' },
    { 'anchor-api-key': 'ak_nope_nope' },
    { 'anchor-api-key': 'AK_TEST_ACME' },
  ]) {
    const res = await app.inject({ url: listUrl(SESSION), headers });
    const body = expectContract(t, res, 401);
    t.same(body, { error: { code: 401, message: 'Invalid or missing API key.' } });
    t.notOk(res.headers['x-ratelimit-limit'], 'no rate-limit headers for an unknown key');
  }
  // The one token of the valid key is still there.
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: key }), 200);
});

t.test('401 comes before anything that could reveal whether a session exists', async (t) => {
  const { app } = await buildTestApp(t);
  const known = await app.inject({ url: listUrl(SESSION), headers: { 'anchor-api-key': 'ak_wrong_key' } });
  const unknown = await app.inject({ url: listUrl('no-such-session'), headers: { 'anchor-api-key': 'ak_wrong_key' } });
  t.equal(known.body, unknown.body);
  t.equal(known.statusCode, 401);
});

t.test('an unknown session answers 404 in the envelope', async (t) => {
  const { app } = await buildTestApp(t);
  const body = expectContract(t, await app.inject({ url: listUrl('no-such-session'), headers: key }), 404);
  t.same(body, { error: { code: 404, message: 'The browser session or its downloads metadata could not be found.' } });
});

t.test("another account's session answers the same 404, revealing nothing", async (t) => {
  const { app } = await buildTestApp(t);
  const foreign = await app.inject({ url: listUrl(OTHER_SESSION), headers: key });
  const missing = await app.inject({ url: listUrl('no-such-session'), headers: key });
  expectContract(t, foreign, 404);
  t.equal(foreign.body, missing.body);
  // ...and its owner sees it.
  expectContract(
    t,
    await app.inject({ url: listUrl(OTHER_SESSION), headers: { 'anchor-api-key': 'ak_test_globex' } }),
    200,
  );
});

t.test('an overlong or odd session id is simply not found', async (t) => {
  const { app } = await buildTestApp(t);
  for (const id of ['x'.repeat(300), 'a b', 'é', '..', '%2F']) {
    expectContract(t, await app.inject({ url: listUrl(id), headers: key }), 404);
  }
});

t.test('every answer to a valid key carries x-ratelimit-* headers', async (t) => {
  const { app } = await buildTestApp(t, { rateLimit: { capacity: 5, refillPerSecond: 1 } });
  const ok = await app.inject({ url: listUrl(SESSION), headers: key });
  t.match(ok.headers, { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': '1' });
  const notFound = await app.inject({ url: listUrl('nope'), headers: key });
  expectContract(t, notFound, 404);
  t.match(notFound.headers, { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '2' });
});

t.test('an empty bucket answers 429 with exact retry-after headers, and refills with the clock', async (t) => {
  const { app, clock } = await buildTestApp(t);
  const tight = { 'anchor-api-key': 'ak_test_tight' }; // capacity 2, 0.5 tokens/s
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: tight }), 200);
  expectContract(t, await app.inject({ url: listUrl('nope'), headers: tight }), 404); // 404s take a token too
  const limited = await app.inject({ url: listUrl(SESSION), headers: tight });
  const body = expectContract(t, limited, 429);
  t.same(body, { error: { code: 429, message: 'Too many requests, please try again later.' } });
  t.match(limited.headers, {
    'retry-after-ms': '2000',
    'retry-after': '2',
    'x-ratelimit-limit': '2',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': '4',
  });
  clock.advance(1999);
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: tight }), 429);
  clock.advance(1);
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: tight }), 200);
});

t.test('429 comes before the session lookup', async (t) => {
  const { app } = await buildTestApp(t, { rateLimit: { capacity: 1, refillPerSecond: 1 } });
  await app.inject({ url: listUrl(SESSION), headers: key });
  expectContract(t, await app.inject({ url: listUrl('no-such-session'), headers: key }), 429);
});

t.test('keys have separate buckets', async (t) => {
  const { app } = await buildTestApp(t, { rateLimit: { capacity: 1, refillPerSecond: 1 } });
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: key }), 200);
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: key }), 429);
  expectContract(
    t,
    await app.inject({ url: listUrl(OTHER_SESSION), headers: { 'anchor-api-key': 'ak_test_globex' } }),
    200,
  );
});

t.test('with rate limiting off there are no 429s and no x-ratelimit headers', async (t) => {
  const { app } = await buildTestApp(t, { rateLimit: false });
  for (let i = 0; i < 100; i++) {
    const res = await app.inject({ url: listUrl(SESSION), headers: { 'anchor-api-key': 'ak_test_tight' } });
    t.equal(res.statusCode, 200);
    if (i === 0) {
      expectContract(t, res, 200);
      t.notOk(res.headers['x-ratelimit-limit']);
    }
  }
});

t.test('HEAD on the list answers like GET without a body and takes a token', async (t) => {
  const { app } = await buildTestApp(t, { rateLimit: { capacity: 2, refillPerSecond: 1 } });
  const res = await app.inject({ method: 'HEAD', url: listUrl(SESSION), headers: key });
  t.equal(res.statusCode, 200);
  t.equal(res.body, '');
  t.equal(res.headers['x-ratelimit-remaining'], '1');
});

t.test('the list follows writes: a reload changes what is served', async (t) => {
  const { app, store } = await buildTestApp(t);
  const before = expectContract(t, await app.inject({ url: listUrl(EMPTY_SESSION), headers: key }), 200);
  t.equal(before.data.count, 0);
  const { loadFixtures } = await import('../../src/fixture-loader/fixture-loader.js');
  loadFixtures(
    store,
    [
      {
        name: 'more',
        document: {
          accounts: [
            {
              id: 'acme',
              sessions: [
                {
                  id: EMPTY_SESSION,
                  downloads: [
                    {
                      id: 'new',
                      original_download_url: 'https://a.example/x',
                      origin_url: 'https://a.example/',
                      original_file_name: 'x.bin',
                      size: 3,
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
    ],
    { now: 0 },
  );
  const after = expectContract(t, await app.inject({ url: listUrl(EMPTY_SESSION), headers: key }), 200);
  t.equal(after.data.count, 1);
  t.equal(after.data.items[0].size, 3);
});
