import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import YAML from 'yaml';
import { loadFixtures, readFixtureFiles } from '../../src/fixture-loader/fixture-loader.js';
import { MESSAGES } from '../../src/http/errors.js';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { openStore } from '../../src/server.js';
import { migrations } from '../../src/store/migrations.js';
import { listUrl } from '../helpers/app.js';
import { contractProblems } from '../helpers/contract.js';
import { runCli, startCli } from './spawn-helpers.js';

// The real CLI (dist/cli/main.js) as a child process, as a user or a
// container runs it.

const DEFAULT_SESSION = '42b60264-c48a-4ded-aa54-e4a83a710ee5';
const INVOICE_ID = 'd733d306-a0fb-408b-9eb2-cdefc76da383';
const ACME = { 'anchor-api-key': 'ak_acme_main' };
const FIXTURE_FILES = new URL('../../fixtures/files/', import.meta.url);
const PACKAGE_JSON = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** GETs an emulated-API URL; the body of a JSON answer is parsed. */
async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  const json = res.headers.get('content-type')?.startsWith('application/json')
    ? // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (JSON.parse(text) as Record<string, any>)
    : undefined;
  return { status: res.status, headers: res.headers, bytes, text, json };
}

/** One account with one key and one session of `downloads` text files. */
function world(account: string, key: string, session: string, downloads = 1): FixtureDocument {
  return {
    accounts: [
      {
        id: account,
        api_keys: [key],
        sessions: [
          {
            id: session,
            created_at: '2025-03-01T00:00:00.000Z',
            downloads: Array.from({ length: downloads }, (_, i) => ({
              id: `${session}-dl-${i}`,
              original_download_url: `https://example.com/${account}/${i}.txt`,
              origin_url: 'https://example.com/',
              original_file_name: `${account}-${i}.txt`,
              created_at: `2025-03-01T00:00:0${i}.000Z`,
              content: { text: `${account} file ${i}\n` },
            })),
          },
        ],
      },
    ],
  };
}

function rowCounts(dbFile: string) {
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      accounts: count('accounts'),
      api_keys: count('api_keys'),
      sessions: count('sessions'),
      downloads: count('downloads'),
    };
  } finally {
    db.close();
  }
}

/** Every row of every table, in a stable order. */
function allRows(dbFile: string) {
  const db = new Database(dbFile, { fileMustExist: true, readonly: true });
  try {
    return ['accounts', 'api_keys', 'sessions', 'downloads'].map((table) =>
      db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all(),
    );
  } finally {
    db.close();
  }
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Each subtest starts its own processes and temp files, so they may run side by side.
t.jobs = 4;

t.test('serve with the bundled fixtures', async (t) => {
  const cli = await startCli(t, ['--db', ':memory:']);

  t.test('logs its address and what it loaded as one JSON line', async (t) => {
    const start = cli.logLines().find((l) => l.url === cli.url);
    t.ok(start, 'a start-up line carries the url');
    t.match(start, { level: 30, publicUrl: cli.url, loaded: { accounts: 2, api_keys: 3, sessions: 3, downloads: 13 } });
    t.match(start?.msg, `listening on ${cli.url}`);
  });

  t.test('answers /_mock/health with 200 {"status":"ok"}, naming its own pid', async (t) => {
    const res = await get(`${cli.url}/_mock/health`);
    t.equal(res.status, 200);
    t.match(res.json, { status: 'ok', service: 'anchorbrowser-mock', pid: cli.child.pid });
  });

  t.test('lists the reference session to ak_acme_main: eleven downloads with file_links back at it', async (t) => {
    const res = await get(cli.url + listUrl(DEFAULT_SESSION), ACME);
    t.equal(res.status, 200);
    t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    t.same(contractProblems(200, res.json), []);
    t.equal(res.json?.data.count, 11);
    for (const item of res.json?.data.items ?? []) {
      t.equal(item.file_link, `${cli.url}/sessions/${DEFAULT_SESSION}/downloads/${item.id}/fetch`);
    }
  });

  t.test('serves the bytes behind a file_link to the same key', async (t) => {
    const list = await get(cli.url + listUrl(DEFAULT_SESSION), ACME);
    t.same(contractProblems(200, list.json), []);
    const invoice = list.json?.data.items.find((i: { id: string }) => i.id === INVOICE_ID);
    const res = await get(invoice.file_link, ACME);
    t.equal(res.status, 200);
    t.equal(res.headers.get('content-type'), 'application/pdf');
    t.same(res.bytes, readFileSync(new URL('invoice-2025-0117.pdf', FIXTURE_FILES)));
    t.equal(invoice.size, res.bytes.length, 'size is the byte count');
  });

  t.test('healthcheck --port exits 0 against it', async (t) => {
    const res = await runCli(t, ['healthcheck', '--port', String(cli.port)]);
    t.equal(res.code, 0);
    t.equal(res.stderr, '');
  });

  t.test('SIGTERM: it logs its closing line and exits 0', async (t) => {
    const exit = await cli.stop('SIGTERM');
    t.equal(exit.code, 0);
    t.equal(exit.stderr, '');
    t.ok(
      cli.logLines().some((l) => /^SIGTERM: .*closing/.test(String(l.msg))),
      'the closing line was logged',
    );
  });
});

t.test(
  'SIGTERM while a request is in flight: the request completes, then the process exits without waiting out the shutdown timeout',
  async (t) => {
    // --latency holds the request in the server; debug logs its arrival.
    const cli = await startCli(t, [
      '--db',
      ':memory:',
      '--latency',
      '1500',
      '--shutdown-timeout',
      '5000',
      '--log-level',
      'debug',
    ]);
    let answered = false;
    const pending = get(cli.url + listUrl(DEFAULT_SESSION), ACME).finally(() => (answered = true));
    await cli.waitForLog(
      (l) => l.msg === 'incoming request' && (l.req as { url?: string } | undefined)?.url === listUrl(DEFAULT_SESSION),
    );
    t.notOk(answered, 'the request is still in flight when SIGTERM is sent');
    const exited = cli.stop('SIGTERM');
    const res = await pending;
    t.equal(res.status, 200, 'the in-flight request is answered');
    t.same(contractProblems(200, res.json), []);
    t.equal(res.json?.data.count, 11);
    const exit = await exited;
    t.equal(exit.code, 0);
    // Once nothing is in flight the server is done: the client's idle keep-alive
    // connection must not hold the exit until the timeout cuts it.
    t.notOk(
      cli.logLines().some((l) => l.level === 40 && /shutdown timeout/.test(String(l.msg))),
      'closed as soon as the in-flight request was answered, not at the shutdown timeout',
    );
  },
);

t.test('healthcheck exits 1 when nothing listens on the port', async (t) => {
  const res = await runCli(t, ['healthcheck', '--port', String(await freePort())]);
  t.equal(res.code, 1);
  t.match(res.stderr, /^unhealthy: /);
});

t.test('--help exits 0 and lists every flag with its ANCHOR_MOCK_ variable', async (t) => {
  const res = await runCli(t, ['--help']);
  t.equal(res.code, 0);
  t.equal(res.stderr, '');
  const flags = [
    'host',
    'port',
    'db',
    'fixtures',
    'no-fixtures',
    'public-url',
    'rate-capacity',
    'rate-refill',
    'no-rate-limit',
    'signing-secret',
    'signed-url-ttl',
    'log-level',
  ];
  for (const flag of flags) {
    t.match(res.stdout, new RegExp(`--${flag}\\b`), `lists --${flag}`);
    t.match(res.stdout, `ANCHOR_MOCK_${flag.replaceAll('-', '_').toUpperCase()}`, `names the variable of --${flag}`);
  }
  t.match(res.stdout, '--help');
  t.match(res.stdout, '--version');
});

t.test('--version prints the version from package.json', async (t) => {
  const res = await runCli(t, ['--version']);
  t.equal(res.code, 0);
  t.equal(res.stdout, `${PACKAGE_JSON.version}\n`);
});

t.test('a bad flag or value exits 2 with one line on stderr naming the flag or variable', async (t) => {
  const cases: Array<{ args: string[]; env?: Record<string, string>; names: string }> = [
    { args: ['--bogus'], names: '--bogus' },
    { args: ['--port', 'abc'], names: '--port' },
    // node:util's message for a value that looks like a flag runs over three lines.
    { args: ['--port', '-1'], names: '--port' },
    { args: ['--port', '0', '--rate-refill', '0'], names: '--rate-refill' },
    { args: ['--port', '0'], env: { ANCHOR_MOCK_NO_RATE_LIMIT: 'maybe' }, names: 'ANCHOR_MOCK_NO_RATE_LIMIT' },
  ];
  // The other messages of the option parser are covered in options.test.ts.
  const results = await Promise.all(cases.map((c) => runCli(t, ['--db', ':memory:', ...c.args], c.env)));
  cases.forEach((c, i) => {
    const res = results[i]!;
    const label = `${c.args.join(' ')} ${JSON.stringify(c.env ?? {})}`;
    t.equal(res.code, 2, `${label}: exit 2`);
    t.equal(res.stdout, '', `${label}: nothing on stdout`);
    const lines = res.stderr.trimEnd().split('\n');
    t.equal(lines.length, 1, `${label}: one line on stderr, got ${JSON.stringify(res.stderr)}`);
    t.match(lines[0], c.names, `${label}: names ${c.names}`);
  });
});

t.test('flags win over ANCHOR_MOCK_ variables, and list variables are comma-separated', async (t) => {
  const dir = t.testdir({
    'a.yaml': YAML.stringify(world('alpha', 'ak_alpha_key1', 'sess-alpha')),
    'b.yaml': YAML.stringify(world('beta', 'ak_beta_key1', 'sess-beta')),
  });
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  const env = { ANCHOR_MOCK_RATE_CAPACITY: '7', ANCHOR_MOCK_FIXTURES: `${a}, ${b}` };

  t.test(
    'ANCHOR_MOCK_RATE_CAPACITY=7 and ANCHOR_MOCK_FIXTURES=a.yaml,b.yaml: limit 7, both files loaded',
    async (t) => {
      const cli = await startCli(t, ['--db', ':memory:'], env);
      const alpha = await get(cli.url + listUrl('sess-alpha'), { 'anchor-api-key': 'ak_alpha_key1' });
      t.same(contractProblems(200, alpha.json), []);
      t.equal(alpha.headers.get('x-ratelimit-limit'), '7');
      const beta = await get(cli.url + listUrl('sess-beta'), { 'anchor-api-key': 'ak_beta_key1' });
      t.same(contractProblems(200, beta.json), []);
      t.equal(beta.json?.data.count, 1);
      // Named fixtures replace the bundled ones.
      const acme = await get(cli.url + listUrl(DEFAULT_SESSION), ACME);
      t.same(contractProblems(401, acme.json), []);
    },
  );

  t.test('--rate-capacity 9 and --fixtures a.yaml win over the same variables', async (t) => {
    const cli = await startCli(t, ['--db', ':memory:', '--rate-capacity', '9', '--fixtures', a], env);
    const alpha = await get(cli.url + listUrl('sess-alpha'), { 'anchor-api-key': 'ak_alpha_key1' });
    t.same(contractProblems(200, alpha.json), []);
    t.equal(alpha.headers.get('x-ratelimit-limit'), '9');
    const beta = await get(cli.url + listUrl('sess-beta'), { 'anchor-api-key': 'ak_beta_key1' });
    t.equal(beta.status, 401, 'b.yaml was not loaded');
    t.same(contractProblems(401, beta.json), []);
  });

  t.test('ANCHOR_MOCK_NO_RATE_LIMIT=true: no x-ratelimit headers', async (t) => {
    const cli = await startCli(t, ['--db', ':memory:'], { ANCHOR_MOCK_NO_RATE_LIMIT: 'true' });
    const res = await get(cli.url + listUrl(DEFAULT_SESSION), ACME);
    t.same(contractProblems(200, res.json), []);
    for (const header of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
      t.equal(res.headers.get(header), null, `no ${header}`);
    }
  });
});

t.test(
  'a broken fixture file: exit 1, stderr names the file and every problem, and the database keeps what it had',
  async (t) => {
    const broken: unknown = {
      accounts: [
        {
          id: 'broken',
          api_keys: ['short'],
          sessions: [
            {
              id: 'sess-broken',
              downloads: [
                {
                  id: 'dl-broken',
                  original_download_url: 'https://example.com/x',
                  original_file_name: 'x.txt',
                  size: 1,
                },
              ],
            },
          ],
        },
      ],
    };
    const dir = t.testdir({
      'good.yaml': YAML.stringify(world('alpha', 'ak_alpha_key1', 'sess-alpha', 2)),
      'more.yaml': YAML.stringify(world('gamma', 'ak_gamma_key1', 'sess-gamma')),
      'broken.yaml': YAML.stringify(broken),
    });
    const db = join(dir, 'x.db');
    const store = openStore(db);
    loadFixtures(store, readFixtureFiles([join(dir, 'good.yaml')]), { now: Date.now() });
    store.close();
    const before = rowCounts(db);
    t.same(before, { accounts: 1, api_keys: 1, sessions: 1, downloads: 2 });

    // more.yaml is sound and new: it must not be half-written when broken.yaml fails.
    const res = await runCli(t, [
      '--db',
      db,
      '--port',
      '0',
      '--fixtures',
      join(dir, 'more.yaml'),
      '--fixtures',
      join(dir, 'broken.yaml'),
    ]);
    t.equal(res.code, 1);
    t.match(res.stderr, join(dir, 'broken.yaml'), 'names the file');
    t.match(res.stderr, 'accounts[0].api_keys[0]', 'names the first problem');
    t.match(res.stderr, 'accounts[0].sessions[0].downloads[0].origin_url', 'names the second problem');
    t.match(res.stderr, '2 problems');
    t.notMatch(res.stderr, 'more.yaml', 'the sound file is not blamed');

    t.same(rowCounts(db), before, 'no partial data in the database');
    const check = new Database(db, { fileMustExist: true });
    t.teardown(() => check.close());
    t.same(
      check.prepare('SELECT id FROM sessions ORDER BY id').all(),
      [{ id: 'sess-alpha' }],
      "more.yaml's session was rolled back",
    );
    t.same(
      check.prepare('SELECT id FROM accounts ORDER BY id').all(),
      [{ id: 'alpha' }],
      "more.yaml's account was rolled back",
    );
  },
);

t.test(
  'seed loads files into --db, prints per-file counts and totals, and seeding twice changes nothing',
  async (t) => {
    const first: FixtureDocument = {
      accounts: [
        {
          id: 'delta',
          api_keys: ['ak_delta_key1'],
          sessions: [
            {
              id: 'sess-delta',
              downloads: [
                {
                  id: 'dl-given',
                  original_download_url: 'https://example.com/given.txt',
                  origin_url: 'https://example.com/',
                  original_file_name: 'given.txt',
                  created_at: '2025-03-01T00:00:00.000Z',
                  content: { text: 'given\n' },
                },
                // No id and no created_at: both are made up on the first load and must stay put.
                {
                  original_download_url: 'https://example.com/made-up.bin',
                  origin_url: 'https://example.com/',
                  original_file_name: 'made-up.bin',
                  size: 64,
                },
              ],
            },
          ],
        },
      ],
    };
    const second: FixtureDocument = {
      accounts: [
        {
          id: 'delta',
          sessions: [
            {
              id: 'sess-delta-2',
              downloads: world('x', 'ak_unused_1', 'sess-delta-2').accounts[0]!.sessions![0]!.downloads!,
            },
          ],
        },
      ],
    };
    const dir = t.testdir({ 'first.yaml': YAML.stringify(first), 'second.json': JSON.stringify(second) });
    const files = [join(dir, 'first.yaml'), join(dir, 'second.json')];
    const db = join(dir, 'data', 'x.db');
    const expectedOutput =
      `loaded ${files[0]}: 1 account(s), 1 API key(s), 1 session(s), 2 download(s)\n` +
      `loaded ${files[1]}: 1 account(s), 0 API key(s), 1 session(s), 1 download(s)\n` +
      `total into ${db}: 1 account(s), 1 API key(s), 2 session(s), 3 download(s)\n`;

    const listOnce = async () => {
      const cli = await startCli(t, ['--db', db, '--no-fixtures', '--public-url', 'http://mock.test:4010']);
      const res = await get(cli.url + listUrl('sess-delta'), { 'anchor-api-key': 'ak_delta_key1' });
      t.same(contractProblems(200, res.json), []);
      t.equal((await cli.stop()).code, 0);
      return res;
    };

    const once = await runCli(t, ['seed', ...files, '--db', db]);
    t.equal(once.code, 0);
    t.equal(once.stdout, expectedOutput);
    t.equal(once.stderr, '');
    t.same(rowCounts(db), { accounts: 1, api_keys: 1, sessions: 2, downloads: 3 }, 'the rows are in the database');
    const a = await listOnce();
    t.equal(a.json?.data.count, 2);
    t.ok(
      a.json?.data.items.every((i: { file_link: string }) =>
        i.file_link.startsWith('http://mock.test:4010/sessions/sess-delta/'),
      ),
    );

    const twice = await runCli(t, ['seed', ...files, '--db', db]);
    t.equal(twice.code, 0);
    t.equal(twice.stdout, expectedOutput);
    t.same(rowCounts(db), { accounts: 1, api_keys: 1, sessions: 2, downloads: 3 }, 'no duplicate rows');
    const b = await listOnce();
    t.equal(b.text, a.text, 'the list is byte-identical after the second seed and a restart');
  },
);

t.test('a failed seed leaves no new database file behind, and an existing one as it was', async (t) => {
  const clash = world('omega', 'ak_omega_key1', 'sess-alpha');
  const dir = t.testdir({
    'good.yaml': YAML.stringify(world('alpha', 'ak_alpha_key1', 'sess-alpha', 2)),
    'clash.yaml': YAML.stringify(clash),
    'broken.yaml': 'accounts:\n  - id: broken\n    api_keys: [short]\n',
  });
  const sideFiles = (db: string) => ['', '-journal', '-wal', '-shm'].filter((suffix) => existsSync(db + suffix));

  // Invalid fixtures, a missing file, and a conflict found only while writing
  // (good.yaml then clash.yaml give sess-alpha to two accounts).
  const failures: Array<[string[], RegExp]> = [
    [[join(dir, 'broken.yaml')], /accounts\[0\]\.api_keys\[0\]: must be at least 8 characters/],
    [[join(dir, 'missing.yaml')], /missing\.yaml: \(document\): cannot read: ENOENT/],
    [[join(dir, 'good.yaml'), join(dir, 'clash.yaml')], /sess-alpha/],
  ];
  for (const [i, [files, message]] of failures.entries()) {
    const db = join(dir, `new-${i}`, 'data', 'x.db');
    const res = await runCli(t, ['seed', ...files, '--db', db]);
    t.equal(res.code, 1, `seed ${i} fails`);
    t.match(res.stderr, message, `seed ${i} says why`);
    t.same(sideFiles(db), [], `seed ${i} left no database file`);
    t.notOk(existsSync(join(dir, `new-${i}`)), `seed ${i} left none of the folders it made`);
  }

  // What was at the path before is not the seed's to remove: an empty file,
  // and a link to a file that does not exist yet.
  const empty = join(dir, 'empty.db');
  writeFileSync(empty, '');
  t.equal((await runCli(t, ['seed', join(dir, 'broken.yaml'), '--db', empty])).code, 1);
  t.ok(existsSync(empty), 'an empty file that was there stays');
  const link = join(dir, 'link.db');
  symlinkSync(join(dir, 'target.db'), link);
  t.equal((await runCli(t, ['seed', join(dir, 'good.yaml'), join(dir, 'clash.yaml'), '--db', link])).code, 1);
  t.ok(lstatSync(link).isSymbolicLink(), 'a link that was there stays');

  const help = await runCli(t, ['seed', '--help']);
  t.match(help.stdout, 'a database file (and folder) it created is removed again', '--help says so');

  const db = join(dir, 'kept.db');
  t.equal((await runCli(t, ['seed', join(dir, 'good.yaml'), '--db', db])).code, 0);
  const before = allRows(db);
  t.same(rowCounts(db), { accounts: 1, api_keys: 1, sessions: 1, downloads: 2 });
  const res = await runCli(t, ['seed', join(dir, 'clash.yaml'), '--db', db]);
  t.equal(res.code, 1);
  t.match(res.stderr, /sess-alpha/);
  t.same(allRows(db), before, 'the existing file keeps every row as it was');
});

t.test('--no-fixtures starts empty: the bundled key is unknown, so 401', async (t) => {
  const cli = await startCli(t, ['--db', ':memory:', '--no-fixtures']);
  const start = cli.logLines().find((l) => l.url === cli.url);
  t.match(start, { loaded: { accounts: 0, api_keys: 0, sessions: 0, downloads: 0 } });
  const res = await get(cli.url + listUrl(DEFAULT_SESSION), ACME);
  t.equal(res.status, 401);
  t.same(contractProblems(401, res.json), []);
  t.same(res.json, { error: { code: 401, message: MESSAGES[401] } });
});

t.test('--public-url http://mock:4010 is the base of every file_link, with no warning even on 0.0.0.0', async (t) => {
  const cli = await startCli(t, ['--db', ':memory:', '--host', '0.0.0.0', '--public-url', 'http://mock:4010']);
  const res = await get(cli.url + listUrl(DEFAULT_SESSION), ACME);
  t.same(contractProblems(200, res.json), []);
  t.equal(res.json?.data.count, 11);
  for (const item of res.json?.data.items ?? [])
    t.ok(item.file_link.startsWith(`http://mock:4010/sessions/${DEFAULT_SESSION}/downloads/`), item.file_link);
  t.notOk(
    cli.logLines().some((l) => l.level === 40),
    'no warning',
  );
});

t.test('--host 0.0.0.0 without --public-url warns and suggests --public-url', async (t) => {
  const cli = await startCli(t, ['--db', ':memory:', '--host', '0.0.0.0']);
  const warnings = cli.logLines().filter((l) => l.level === 40);
  t.equal(warnings.length, 1, 'one warning');
  t.match(warnings[0]?.msg, '--public-url');
  const res = await get(cli.url + listUrl(DEFAULT_SESSION), ACME);
  t.same(contractProblems(200, res.json), []);
  t.ok(
    res.json?.data.items[0].file_link.startsWith(`http://127.0.0.1:${cli.port}/`),
    'file_link falls back to the loopback address',
  );
});

t.test(
  'a database from a newer schema version: exit 1 naming the file and both versions, file untouched',
  async (t) => {
    const dir = t.testdir({ 'good.yaml': YAML.stringify(world('alpha', 'ak_alpha_key1', 'sess-alpha')) });
    const file = join(dir, 'newer.db');
    const db = new Database(file);
    db.exec("CREATE TABLE from_the_future (x TEXT); INSERT INTO from_the_future VALUES ('keep me');");
    db.pragma('user_version = 99');
    db.close();
    const before = sha256(file);

    const serve = await runCli(t, ['--db', file, '--port', '0', '--fixtures', join(dir, 'good.yaml')]);
    t.equal(serve.code, 1, 'serve exits 1');
    t.match(serve.stderr, file, 'names the file');
    t.match(serve.stderr, 'schema version 99', 'names its version');
    t.match(serve.stderr, `(${migrations.length})`, 'names the supported version');
    t.equal(serve.stderr.trimEnd().split('\n').length, 1, 'one line');
    t.equal(sha256(file), before, 'the file is byte-identical');
    t.notOk(existsSync(`${file}-wal`), 'no WAL file was created');
  },
);
