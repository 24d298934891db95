import type { Test } from 'tap';
import t from 'tap';
import Anchorbrowser, { APIError, AuthenticationError, NotFoundError, RateLimitError } from 'anchorbrowser';
import { Clock } from '../../src/domain/clock.js';
import { generateContent } from '../../src/domain/generated-content.js';
import { MESSAGES } from '../../src/http/errors.js';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { startServer, type RunningServer, type ServerConfig } from '../../src/server.js';
import { OTHER_SESSION, SESSION, smallWorld, T0 } from '../helpers/app.js';
import { componentProblems, contractProblems } from '../helpers/contract.js';
import { rejectionOf } from '../helpers/rejection.js';

// The official SDK (anchorbrowser 0.16.x) as the client, against a real
// listening server on 127.0.0.1: what an application using the SDK sees.

const KEY = 'ak_test_acme';
const FILES_SESSION = 'sess-files';
const NOTES_TEXT = 'héllo, wörld — 報告\nsecond line\n';
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A session of acme's with a text file and a binary file, next to the small world. */
const filesWorld: FixtureDocument = {
  accounts: [
    {
      id: 'acme',
      sessions: [
        {
          id: FILES_SESSION,
          downloads: [
            {
              id: 'dl-notes',
              original_download_url: 'https://example.com/notes.txt',
              origin_url: 'https://example.com/',
              original_file_name: 'notes.txt',
              created_at: '2025-01-18T03:00:00.000Z',
              content: { text: NOTES_TEXT },
            },
            {
              id: 'dl-bytes',
              original_download_url: 'https://example.com/bytes.bin',
              origin_url: 'https://example.com/',
              original_file_name: 'bytes.bin',
              created_at: '2025-01-18T03:00:01.000Z',
              content: { base64: ALL_BYTES.toString('base64') },
            },
          ],
        },
      ],
    },
  ],
};

async function startMock(t: Test, overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    db: ':memory:',
    fixtures: [
      { name: 'small world', document: smallWorld },
      { name: 'files', document: filesWorld },
    ],
    rateLimit: { capacity: 60, refillPerSecond: 10 },
    signingSecret: 'test-secret',
    signedUrlTtlSeconds: 3600,
    clock: new Clock({ mode: 'manual', now: T0 }),
    logger: false,
    ...overrides,
  });
  t.teardown(() => server.app.close());
  return server;
}

interface Attempt {
  url: string;
  requestHeaders: Headers;
  status: number;
  headers: Headers;
  sentAt: number;
  receivedAt: number;
}

/** The SDK's `fetch` option: real fetch, with every attempt written down. */
function recordingFetch() {
  const attempts: Attempt[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const sentAt = performance.now();
    const res = await fetch(input, init);
    attempts.push({
      url: String(input instanceof Request ? input.url : input),
      requestHeaders: new Headers(init?.headers),
      status: res.status,
      headers: res.headers,
      sentAt,
      receivedAt: performance.now(),
    });
    return res;
  };
  return { attempts, fetch: fetchFn };
}

const sdk = (server: RunningServer, options: ConstructorParameters<typeof Anchorbrowser>[0] = {}) =>
  new Anchorbrowser({ apiKey: KEY, baseURL: server.url, logLevel: 'off', ...options });

t.test('retrieveDownloads returns the whole typed body: count and items with all nine fields', async (t) => {
  const server = await startMock(t);
  const result = await sdk(server).sessions.retrieveDownloads(SESSION);
  // The SDK returns the parsed body itself, `{ data: { count, items } }`.
  t.same(contractProblems(200, result), [], 'the SDK result is a contract-valid body');
  t.equal(result.data?.count, 3);
  const items = result.data?.items ?? [];
  t.same(
    items.map((i) => i.id),
    ['dl-a', 'dl-b', 'dl-c'],
  );
  t.same(items[0], {
    id: 'dl-a',
    file_link: `${server.url}/sessions/${SESSION}/downloads/dl-a/fetch`,
    original_download_url: 'https://example.com/files/document.doc',
    origin_url: 'https://example.com/files/',
    suggested_file_name: 'document (2).doc',
    original_file_name: 'document.doc',
    duration: 2025,
    size: 1000,
    created_at: '2025-01-18T03:34:56.043Z',
  });
  for (const item of items) {
    t.same(Object.keys(item).sort(), [
      'created_at',
      'duration',
      'file_link',
      'id',
      'origin_url',
      'original_download_url',
      'original_file_name',
      'size',
      'suggested_file_name',
    ]);
    t.ok(item.file_link?.startsWith(`${server.url}/sessions/`), `file_link of ${item.id} points back at the mock`);
  }
});

t.test('the SDK sends the anchor-api-key header and its stainless headers to the mock', async (t) => {
  const server = await startMock(t);
  const rec = recordingFetch();
  await sdk(server, { fetch: rec.fetch }).sessions.retrieveDownloads(SESSION);
  t.equal(rec.attempts.length, 1);
  const sent = rec.attempts[0]!;
  t.equal(sent.url, `${server.url}/v1/sessions/${SESSION}/downloads`);
  t.equal(sent.requestHeaders.get('anchor-api-key'), KEY);
  t.equal(sent.requestHeaders.get('x-stainless-retry-count'), '0');
  t.match(sent.requestHeaders.get('user-agent'), /^Anchorbrowser\/JS /);
});

t.test('a bad key throws AuthenticationError carrying the error envelope', async (t) => {
  const server = await startMock(t);
  const err = await rejectionOf(t, sdk(server, { apiKey: 'ak_not_a_key' }).sessions.retrieveDownloads(SESSION));
  t.type(err, AuthenticationError);
  t.type(err, APIError);
  const e = err as AuthenticationError;
  t.equal(e.status, 401);
  t.same(e.error, { error: { code: 401, message: MESSAGES[401] } });
  t.same(contractProblems(401, e.error), []);
  t.same(componentProblems('ErrorResponse', e.error), []);
});

t.test('an unknown session throws NotFoundError carrying the error envelope', async (t) => {
  const server = await startMock(t);
  const err = await rejectionOf(t, sdk(server).sessions.retrieveDownloads('no-such-session'));
  t.type(err, NotFoundError);
  const e = err as NotFoundError;
  t.equal(e.status, 404);
  t.same(e.error, { error: { code: 404, message: MESSAGES[404] } });
  t.same(contractProblems(404, e.error), []);
});

t.test("another account's session throws the same NotFoundError", async (t) => {
  const server = await startMock(t);
  const err = await rejectionOf(t, sdk(server).sessions.retrieveDownloads(OTHER_SESSION));
  t.type(err, NotFoundError);
  const e = err as NotFoundError;
  t.equal(e.status, 404);
  t.same(e.error, { error: { code: 404, message: MESSAGES[404] } });
  t.same(contractProblems(404, e.error), []);
  // ...while its owner reads it through the SDK.
  const own = await sdk(server, { apiKey: 'ak_test_globex' }).sessions.retrieveDownloads(OTHER_SESSION);
  t.same(contractProblems(200, own), []);
  t.equal(own.data?.count, 1);
});

t.test(
  'an empty bucket throws RateLimitError at once: resource methods make one attempt whatever the client maxRetries',
  async (t) => {
    const server = await startMock(t, { rateLimit: { capacity: 1, refillPerSecond: 0.001 } });
    const rec = recordingFetch();
    const client = sdk(server, { fetch: rec.fetch, maxRetries: 5 });
    t.same(contractProblems(200, await client.sessions.retrieveDownloads(SESSION)), []);
    const err = await rejectionOf(t, client.sessions.retrieveDownloads(SESSION));
    t.type(err, RateLimitError);
    const e = err as RateLimitError;
    t.equal(e.status, 429);
    t.same(e.error, { error: { code: 429, message: MESSAGES[429] } });
    t.same(contractProblems(429, e.error), []);
    t.equal(e.headers?.get('retry-after-ms'), '1000000', 'the manual clock stands still: one token takes 1000 s');
    t.equal(rec.attempts.length, 2, 'no retry was attempted');
  },
);

t.test("with { maxRetries: 3 } the SDK's own retries wait retry-after-ms and then succeed", async (t) => {
  // A real clock: the SDK sleeps in real time, and the bucket must refill while it does.
  const server = await startMock(t, { rateLimit: { capacity: 1, refillPerSecond: 10 }, clock: new Clock() });
  const rec = recordingFetch();
  const client = sdk(server, { fetch: rec.fetch });
  await client.sessions.retrieveDownloads(SESSION); // takes the only token
  const started = performance.now();
  const result = await client.sessions.retrieveDownloads(SESSION, { maxRetries: 3 });
  const elapsed = performance.now() - started;

  t.same(contractProblems(200, result), [], 'the retried call resolves to a contract-valid body');
  t.equal(result.data?.count, 3);
  const attempts = rec.attempts.slice(1);
  t.ok(attempts.length >= 2 && attempts.length <= 4, `${attempts.length} attempts: a 429, then a success`);
  t.equal(attempts[0]!.status, 429, 'the first attempt met the empty bucket');
  t.equal(attempts.at(-1)!.status, 200, 'the last attempt succeeded');
  t.ok(
    attempts.slice(0, -1).every((a) => a.status === 429),
    'every earlier attempt was a 429',
  );
  t.same(
    attempts.map((a) => a.requestHeaders.get('x-stainless-retry-count')),
    attempts.map((_, i) => String(i)),
    'the SDK numbered its retries',
  );
  const retryAfterMs = Number(attempts[0]!.headers.get('retry-after-ms'));
  t.ok(retryAfterMs > 0 && retryAfterMs <= 100, `retry-after-ms ${retryAfterMs} is what one token takes at 10/s`);
  const gap = attempts[1]!.sentAt - attempts[0]!.receivedAt;
  // Timers may fire a fraction of a millisecond early against performance.now().
  t.ok(
    gap >= retryAfterMs - 2,
    `the SDK waited ${gap.toFixed(1)} ms before retrying, at least retry-after-ms (${retryAfterMs})`,
  );
  t.ok(elapsed < 3000, `the whole call took ${elapsed.toFixed(0)} ms, not seconds`);
});

t.test('client.get(file_link) sends the key back to the mock and returns the bytes', async (t) => {
  const server = await startMock(t);
  const rec = recordingFetch();
  const client = sdk(server, { fetch: rec.fetch });
  const list = await client.sessions.retrieveDownloads(FILES_SESSION);
  t.same(contractProblems(200, list), []);
  const link = (id: string) => list.data?.items?.find((i) => i.id === id)?.file_link ?? '';

  t.test('a text file resolves to a string (the SDK parses only JSON content types)', async (t) => {
    const text = await client.get<string>(link('dl-notes'));
    t.equal(typeof text, 'string');
    t.equal(text, NOTES_TEXT);
    const sent = rec.attempts.at(-1)!;
    t.equal(sent.url, link('dl-notes'), 'the absolute file_link was fetched as given');
    t.equal(sent.requestHeaders.get('anchor-api-key'), KEY, 'the key went to the mock, which file_link names');
  });

  t.test('a binary file comes through .asResponse() byte for byte', async (t) => {
    const res = await client.get(link('dl-bytes')).asResponse();
    t.equal(res.status, 200);
    t.equal(res.headers.get('content-type'), 'application/octet-stream');
    t.equal(res.headers.get('content-length'), '256');
    t.same(Buffer.from(await res.arrayBuffer()), ALL_BYTES);
  });

  t.test('a generated file (given by size) comes through byte for byte', async (t) => {
    const list = await client.sessions.retrieveDownloads(SESSION);
    const item = list.data?.items?.find((i) => i.id === 'dl-a');
    const res = await client.get(item?.file_link ?? '').asResponse();
    t.equal(res.status, 200);
    t.same(Buffer.from(await res.arrayBuffer()), generateContent('dl-a', 1000));
  });

  t.test('without a valid key the file_link answers AuthenticationError', async (t) => {
    const err = await rejectionOf(t, sdk(server, { apiKey: 'ak_not_a_key' }).get(link('dl-notes')));
    t.type(err, AuthenticationError);
    t.same(contractProblems(401, (err as AuthenticationError).error), []);
  });
});

t.test('the SDK finds the mock through ANCHORBROWSER_BASE_URL and ANCHORBROWSER_API_KEY', async (t) => {
  const server = await startMock(t);
  const saved = { base: process.env.ANCHORBROWSER_BASE_URL, key: process.env.ANCHORBROWSER_API_KEY };
  t.teardown(() => {
    for (const [name, value] of [
      ['ANCHORBROWSER_BASE_URL', saved.base],
      ['ANCHORBROWSER_API_KEY', saved.key],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  process.env.ANCHORBROWSER_BASE_URL = server.url;
  process.env.ANCHORBROWSER_API_KEY = KEY;
  const client = new Anchorbrowser({ logLevel: 'off' });
  t.equal(client.baseURL, server.url);
  const result = await client.sessions.retrieveDownloads(SESSION);
  t.same(contractProblems(200, result), []);
  t.equal(result.data?.count, 3);
});
