import t from 'tap';
import { buildTestApp, expectContract, fileUrl, listUrl, SESSION } from '../helpers/app.js';

// Prism-style steering: `Prefer: code=N` forces one of the contract's answers
// on an emulated route, whatever the state, without a key and without a token.

const key = { 'anchor-api-key': 'ak_test_acme' };
const fetchUrl = (sessionId: string, downloadId: string) => `/v1/sessions/${sessionId}/downloads/${downloadId}/fetch`;
const MESSAGES = {
  401: 'Invalid or missing API key.',
  404: 'The browser session or its downloads metadata could not be found.',
  429: 'Too many requests, please try again later.',
};

t.test('Prefer: code=404 answers the contract 404 for an existing session with a valid key', async (t) => {
  const { app } = await buildTestApp(t);
  const body = expectContract(
    t,
    await app.inject({ url: listUrl(SESSION), headers: { ...key, prefer: 'code=404' } }),
    404,
  );
  t.same(body, { error: { code: 404, message: MESSAGES[404] } });
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: key }), 200);
});

t.test('Prefer: code=401, 404 and 429 answer the same with no key at all, or an unknown one', async (t) => {
  const { app } = await buildTestApp(t);
  for (const code of [401, 404, 429] as const) {
    for (const headers of [{}, { 'anchor-api-key': 'ak_nope_nope' }]) {
      const body = expectContract(
        t,
        await app.inject({ url: listUrl(SESSION), headers: { ...headers, prefer: `code=${code}` } }),
        code,
      );
      t.same(body, { error: { code, message: MESSAGES[code] } });
    }
  }
});

t.test('Prefer: code=429 carries the retry-after headers the SDK waits for', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({ url: listUrl(SESSION), headers: { ...key, prefer: 'code=429' } });
  expectContract(t, res, 429);
  t.equal(res.headers['retry-after-ms'], '1000');
  t.equal(res.headers['retry-after'], '1');
});

t.test('a forced answer takes no token from the bucket', async (t) => {
  const { app } = await buildTestApp(t, { rateLimit: { capacity: 1, refillPerSecond: 0.001 } });
  for (let i = 0; i < 5; i++)
    expectContract(t, await app.inject({ url: listUrl(SESSION), headers: { ...key, prefer: 'code=404' } }), 404);
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: key }), 200);
});

t.test('Prefer works on every keyed emulated route: Fetch Session Download and file_link', async (t) => {
  const { app } = await buildTestApp(t);
  expectContract(t, await app.inject({ url: fetchUrl(SESSION, 'dl-b'), headers: { ...key, prefer: 'code=404' } }), 404);
  expectContract(t, await app.inject({ url: fileUrl(SESSION, 'dl-b'), headers: { ...key, prefer: 'code=401' } }), 401);
});

t.test('Prefer is read among other preferences, as RFC 7240 allows', async (t) => {
  const { app } = await buildTestApp(t);
  expectContract(
    t,
    await app.inject({ url: listUrl(SESSION), headers: { ...key, prefer: 'respond-async, code=404' } }),
    404,
  );
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: { ...key, prefer: 'code="429"' } }), 429);
});

t.test('Prefer: code=200 is the normal answer', async (t) => {
  const { app } = await buildTestApp(t);
  expectContract(t, await app.inject({ url: listUrl(SESSION), headers: { ...key, prefer: 'code=200' } }), 200);
  expectContract(t, await app.inject({ url: listUrl('nope'), headers: { ...key, prefer: 'code=200' } }), 404);
});

t.test('an undeclared code answers 400 naming the allowed ones', async (t) => {
  const { app } = await buildTestApp(t);
  for (const code of ['418', '500', '403', 'abc', '']) {
    const body = expectContract(
      t,
      await app.inject({ url: listUrl(SESSION), headers: { ...key, prefer: `code=${code}` } }),
      400,
    );
    t.equal(
      body.error.message,
      `Prefer: code=${code} is not a response of this route; allowed: 200, 401, 404, 429.`,
      code,
    );
  }
});

t.test('the journal marks a forced answer with forced: true', async (t) => {
  const { app } = await buildTestApp(t);
  await app.inject({ url: listUrl(SESSION), headers: { prefer: 'code=404' } });
  await app.inject({ url: listUrl(SESSION), headers: key });
  t.same(
    app.mock.journal.list().map((e) => [e.status, e.forced]),
    [
      [404, true],
      [200, false],
    ],
  );
});
