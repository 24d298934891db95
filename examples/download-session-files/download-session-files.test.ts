import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import Anchorbrowser, { InternalServerError, NotFoundError } from 'anchorbrowser';
// In your own project: import { startMockServer, type MockServer } from 'anchorbrowser-mock';
import { startMockServer, type MockServer } from '../../src/index.js';
import { downloadSessionFiles, safeFileName } from './download-session-files.js';

const API_KEY = 'ak_test_example';
const SESSION_ID = 'sess-with-files';
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** One account with one session that downloaded five files. */
const world = {
  accounts: [
    {
      id: 'example',
      api_keys: [API_KEY],
      sessions: [
        {
          id: SESSION_ID,
          downloads: [
            {
              id: 'dl-report',
              original_download_url: 'https://shop.example/report.pdf',
              origin_url: 'https://shop.example/',
              original_file_name: 'report.pdf',
              content: { text: '%PDF-1.4 quarterly report' },
            },
            {
              id: 'dl-bytes',
              original_download_url: 'https://shop.example/all.bin',
              origin_url: 'https://shop.example/',
              original_file_name: 'all.bin',
              content: { base64: ALL_BYTES.toString('base64') },
            },
            {
              id: 'dl-empty',
              original_download_url: 'https://shop.example/empty.txt',
              origin_url: 'https://shop.example/',
              original_file_name: 'empty.txt',
              content: { text: '' },
            },
            {
              id: 'dl-unicode',
              original_download_url: 'https://shop.example/b%C3%A9r%C3%A9.txt',
              origin_url: 'https://shop.example/',
              original_file_name: 'béré – 報告.txt',
              content: { text: 'héllo 報告' },
            },
            // The mock generates 5000 deterministic bytes for a download given only by size.
            {
              id: 'dl-large',
              original_download_url: 'https://shop.example/data.csv',
              origin_url: 'https://shop.example/',
              original_file_name: 'data.csv',
              suggested_file_name: 'data (2).csv',
              size: 5000,
            },
          ],
        },
        {
          id: 'sess-hostile',
          downloads: [
            {
              id: 'dl-up',
              original_download_url: 'https://evil.example/x',
              origin_url: 'https://evil.example/',
              original_file_name: 'x',
              suggested_file_name: '../../escaped.sh',
              content: { text: 'echo pwned' },
            },
            {
              id: 'dl-dots',
              original_download_url: 'https://evil.example/y',
              origin_url: 'https://evil.example/',
              original_file_name: 'y',
              suggested_file_name: '..',
              content: { text: 'dots' },
            },
            {
              id: 'dl-same-1',
              original_download_url: 'https://evil.example/a',
              origin_url: 'https://evil.example/',
              original_file_name: 'a.txt',
              content: { text: 'first' },
            },
            {
              id: 'dl-same-2',
              original_download_url: 'https://evil.example/a',
              origin_url: 'https://evil.example/',
              original_file_name: 'A.txt',
              content: { text: 'second' },
            },
          ],
        },
      ],
    },
  ],
};

async function startMock(t: Test, options: Parameters<typeof startMockServer>[0] = {}): Promise<MockServer> {
  const mock = await startMockServer({ fixtures: [world], rateLimit: false, clock: 'manual', ...options });
  t.teardown(() => mock.close());
  return mock;
}

const clientFor = (mock: MockServer) => new Anchorbrowser({ apiKey: API_KEY, baseURL: mock.url, logLevel: 'off' });

/** The bytes the mock serves at a file_link, fetched directly. */
async function served(link: string): Promise<Buffer> {
  const res = await fetch(link, { headers: { 'anchor-api-key': API_KEY } });
  if (res.status !== 200) throw new Error(`${link} answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

t.test('every file of the session is written under its suggested name, byte for byte', async (t) => {
  const mock = await startMock(t);
  const client = clientFor(mock);
  const dest = t.testdir();

  const written = await downloadSessionFiles(client, SESSION_ID, dest);

  t.same(
    written.map((f) => [f.id, f.fileName, f.bytes]),
    [
      ['dl-report', 'report.pdf', 25],
      ['dl-bytes', 'all.bin', 256],
      ['dl-empty', 'empty.txt', 0],
      ['dl-unicode', 'béré – 報告.txt', Buffer.byteLength('héllo 報告')],
      ['dl-large', 'data (2).csv', 5000],
    ],
  );
  t.same(readdirSync(dest).sort(), written.map((f) => f.fileName).sort(), 'nothing else in the folder');
  t.same(readFileSync(join(dest, 'all.bin')), ALL_BYTES);
  t.equal(readFileSync(join(dest, 'béré – 報告.txt'), 'utf8'), 'héllo 報告');

  const list = await client.sessions.retrieveDownloads(SESSION_ID);
  for (const file of written) {
    t.equal(file.path, join(dest, file.fileName));
    const item = list.data?.items?.find((i) => i.id === file.id);
    t.same(
      readFileSync(file.path),
      await served(item?.file_link ?? ''),
      `${file.fileName} on disk is what the mock serves`,
    );
    t.equal(file.bytes, item?.size, `${file.fileName} has the listed size`);
  }
});

t.test('it creates the destination folder', async (t) => {
  const mock = await startMock(t);
  const dest = join(t.testdir(), 'nested', 'folder');
  const written = await downloadSessionFiles(clientFor(mock), SESSION_ID, dest);
  t.equal(readdirSync(dest).length, written.length);
});

t.test('hostile names stay inside the folder; clashing names get (2)', async (t) => {
  const mock = await startMock(t);
  const root = t.testdir({ inside: {} });
  const dest = join(root, 'inside');
  const written = await downloadSessionFiles(clientFor(mock), 'sess-hostile', dest);
  t.same(
    written.map((f) => f.fileName),
    ['.._.._escaped.sh', 'dl-dots', 'a.txt', 'A (2).txt'],
  );
  t.same(readdirSync(dest).sort(), ['.._.._escaped.sh', 'A (2).txt', 'a.txt', 'dl-dots']);
  t.notOk(existsSync(join(root, 'escaped.sh')), 'nothing written above the folder');
  t.equal(readFileSync(join(dest, 'A (2).txt'), 'utf8'), 'second');
});

t.test('safeFileName', async (t) => {
  t.equal(safeFileName('document (2).doc'), 'document (2).doc');
  t.equal(safeFileName('a/b\\c'), 'a_b_c');
  t.equal(safeFileName('bad\u0000name\n.txt'), 'bad_name_.txt');
  t.equal(safeFileName('..'), 'download');
  t.equal(safeFileName('  ', 'fallback'), 'fallback');
  t.equal(safeFileName('con:tent?.txt'), 'con_tent_.txt');
  const long = safeFileName(`${'報'.repeat(100)}.pdf`);
  t.ok(Buffer.byteLength(long) <= 200, 'long names are cut to fit file systems');
  t.ok(long.endsWith('報.pdf'), 'keeping whole characters and the extension');
});

t.test('an empty session writes nothing', async (t) => {
  const mock = await startMock(t);
  await mock.seed({ accounts: [{ id: 'example', sessions: [{ id: 'sess-empty' }] }] });
  const dest = t.testdir();
  t.same(await downloadSessionFiles(clientFor(mock), 'sess-empty', dest), []);
  t.same(readdirSync(dest), []);
});

t.test('an unknown session rejects with NotFoundError and writes nothing', async (t) => {
  const mock = await startMock(t);
  const dest = join(t.testdir(), 'out');
  const err = await downloadSessionFiles(clientFor(mock), 'no-such-session', dest).catch((e: unknown) => e);
  t.type(err, NotFoundError);
  t.same((err as NotFoundError).error, {
    error: { code: 404, message: 'The browser session or its downloads metadata could not be found.' },
  });
  t.notOk(existsSync(dest), 'the folder was not even created');
});

t.test('a flaky 503 is retried by the SDK and every file still arrives', async (t) => {
  const mock = await startMock(t);
  // The list and one file fail once each; retry-after-ms keeps the SDK's wait short.
  mock.faults.add({
    path: `/v1/sessions/${SESSION_ID}/downloads`,
    status: 503,
    times: 1,
    headers: { 'retry-after-ms': '10' },
  });
  mock.faults.add({
    path: `/sessions/${SESSION_ID}/downloads/dl-bytes/fetch`,
    status: 503,
    times: 1,
    headers: { 'retry-after-ms': '10' },
  });
  const dest = t.testdir();
  const written = await downloadSessionFiles(clientFor(mock), SESSION_ID, dest);
  t.equal(written.length, 5);
  t.same(readFileSync(join(dest, 'all.bin')), ALL_BYTES);
  t.same(
    mock.requests({ status: 503 }).map((r) => r.path),
    [`/v1/sessions/${SESSION_ID}/downloads`, `/sessions/${SESSION_ID}/downloads/dl-bytes/fetch`],
    'both failures happened',
  );
});

t.test('without retries a 503 rejects; files saved before it stay, and no partial file is left', async (t) => {
  const mock = await startMock(t);
  mock.faults.add({ path: '/sessions/*/downloads/dl-bytes/fetch', status: 503 });
  const dest = t.testdir();
  const err = await downloadSessionFiles(clientFor(mock), SESSION_ID, dest, { maxRetries: 0 }).catch((e: unknown) => e);
  t.type(err, InternalServerError);
  t.same(readdirSync(dest), ['report.pdf']);
});

t.test('a file_link on another host is refused before the key is sent there', async (t) => {
  const mock = await startMock(t, { publicUrl: 'http://files.elsewhere.invalid' });
  const err = await downloadSessionFiles(clientFor(mock), SESSION_ID, t.testdir()).catch((e: unknown) => e);
  t.match(err, {
    message:
      /file_link is on http:\/\/files\.elsewhere\.invalid, not http:\/\/127\.0\.0\.1:\d+; not sending the API key there/,
  });
});
