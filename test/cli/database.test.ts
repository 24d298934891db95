import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import YAML from 'yaml';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { listUrl } from '../helpers/app.js';
import { contractProblems } from '../helpers/contract.js';
import { runCli, startCli, type RunningCli } from './spawn-helpers.js';

// Where the CLI keeps its data: in memory unless --db names a file, so each
// start serves exactly its fixtures; a file keeps data across starts and
// start-up fixtures merge into it; --fresh empties it first; seed needs a file.

/** One account with one key and one session holding one text download. */
function world(account: string, session: string): FixtureDocument {
  return {
    accounts: [
      {
        id: account,
        api_keys: [`ak_${account}_key1`],
        sessions: [
          {
            id: session,
            created_at: '2025-03-01T00:00:00.000Z',
            downloads: [
              {
                id: `${session}-dl`,
                original_download_url: `https://example.com/${account}.txt`,
                origin_url: 'https://example.com/',
                original_file_name: `${account}.txt`,
                created_at: '2025-03-01T00:00:00.000Z',
                content: { text: `${account}\n` },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The status of listing `session` with `account`'s key; a 200 or 401 body is checked against the contract. */
async function listStatus(t: Test, cli: RunningCli, account: string, session: string): Promise<number> {
  const res = await fetch(cli.url + listUrl(session), { headers: { 'anchor-api-key': `ak_${account}_key1` } });
  const problems = contractProblems(res.status, await res.json());
  t.same(problems, [], `${account} ${session}: ${res.status} as the contract says`);
  return res.status;
}

function sessionsIn(dbFile: string): string[] {
  const db = new Database(dbFile, { fileMustExist: true, readonly: true });
  try {
    return (db.prepare('SELECT id FROM sessions ORDER BY id').all() as Array<{ id: string }>).map((r) => r.id);
  } finally {
    db.close();
  }
}

const oneLine = (t: Test, stderr: string) =>
  t.equal(stderr.trimEnd().split('\n').length, 1, `one line: ${JSON.stringify(stderr)}`);

const fixtures = (t: Test) =>
  t.testdir({
    'alpha.yaml': YAML.stringify(world('alpha', 'sess-alpha')),
    'beta.yaml': YAML.stringify(world('beta', 'sess-beta')),
    // Gives alpha's session to another account: a conflict only with a store that holds alpha.
    'clash.yaml': YAML.stringify(world('omega', 'sess-alpha')),
    'broken.yaml': 'accounts:\n  - id: broken\n    api_keys: [short]\n',
    work: {},
  });

t.jobs = 4;

t.test('without --db each start serves exactly its fixtures and writes no file', async (t) => {
  const dir = fixtures(t);
  const cwd = join(dir, 'work');
  const first = await startCli(t, ['--fixtures', join(dir, 'alpha.yaml')], {}, { cwd });
  t.equal(await listStatus(t, first, 'alpha', 'sess-alpha'), 200);
  const startLine = first.logLines().find((l) => l.url === first.url);
  t.match(startLine, { db: ':memory:' }, 'the start-up line says where data lives');
  t.equal((await first.stop()).code, 0);

  const second = await startCli(t, ['--fixtures', join(dir, 'beta.yaml')], {}, { cwd });
  t.equal(await listStatus(t, second, 'beta', 'sess-beta'), 200);
  t.equal(await listStatus(t, second, 'alpha', 'sess-alpha'), 401, "the first start's account is gone");
  t.equal((await second.stop()).code, 0);
  t.same(readdirSync(cwd), [], 'nothing was written to the working directory');

  // A session renamed between starts is no conflict either.
  const renamed = await startCli(t, ['--fixtures', join(dir, 'clash.yaml')], {}, { cwd });
  t.equal(await listStatus(t, renamed, 'omega', 'sess-alpha'), 200);
});

t.test('with --db a file keeps its data, and start-up fixtures merge into it', async (t) => {
  const dir = fixtures(t);
  const db = join(dir, 'kept.db');
  const first = await startCli(t, ['--db', db, '--fixtures', join(dir, 'alpha.yaml')]);
  t.match(
    first.logLines().find((l) => l.url === first.url),
    { db },
  );
  t.equal((await first.stop()).code, 0);
  const second = await startCli(t, ['--fixtures', join(dir, 'beta.yaml')], { ANCHOR_MOCK_DB: db });
  t.equal(await listStatus(t, second, 'beta', 'sess-beta'), 200);
  t.equal(await listStatus(t, second, 'alpha', 'sess-alpha'), 200, "the first start's data is still served");
});

t.test('fixtures that clash with a --db file: exit 1 naming the file and both ways out, file unchanged', async (t) => {
  const dir = fixtures(t);
  const db = join(dir, 'kept.db');
  t.equal((await runCli(t, ['seed', join(dir, 'alpha.yaml'), '--db', db])).code, 0);

  const res = await runCli(t, ['--db', db, '--port', '0', '--fixtures', join(dir, 'clash.yaml')]);
  t.equal(res.code, 1);
  t.match(res.stderr, 'sess-alpha', 'names the id');
  t.match(res.stderr, `database ${db}`, 'names the database file');
  t.match(res.stderr, '--db :memory:', 'way out 1: an in-memory store');
  t.match(res.stderr, '--fresh', 'way out 2: empty the file first');
  t.same(sessionsIn(db), ['sess-alpha'], 'the file keeps its data');

  // A mistake in the fixtures themselves is not blamed on the database.
  const broken = await runCli(t, ['--db', db, '--port', '0', '--fixtures', join(dir, 'broken.yaml')]);
  t.equal(broken.code, 1);
  t.match(broken.stderr, 'api_keys[0]');
  t.notMatch(broken.stderr, '--fresh');
  t.notMatch(broken.stderr, db, 'nor is the database file named');
});

t.test('--fresh empties the --db file before loading, and a failed load keeps the old data', async (t) => {
  const dir = fixtures(t);
  const db = join(dir, 'kept.db');
  t.equal((await runCli(t, ['seed', join(dir, 'alpha.yaml'), join(dir, 'beta.yaml'), '--db', db])).code, 0);

  // broken.yaml fails after the wipe, in the same transaction.
  const failed = await runCli(t, ['--db', db, '--port', '0', '--fresh', '--fixtures', join(dir, 'broken.yaml')]);
  t.equal(failed.code, 1);
  t.same(sessionsIn(db), ['sess-alpha', 'sess-beta'], 'a failed --fresh start leaves the data as it was');

  const cli = await startCli(t, ['--db', db, '--fixtures', join(dir, 'clash.yaml')], { ANCHOR_MOCK_FRESH: 'true' });
  t.equal(await listStatus(t, cli, 'omega', 'sess-alpha'), 200, 'the clashing fixtures load into the emptied file');
  t.equal(await listStatus(t, cli, 'beta', 'sess-beta'), 401, 'what the file held before is gone');
  t.equal((await cli.stop()).code, 0);
  t.same(sessionsIn(db), ['sess-alpha'], 'the file holds the fixtures alone');
});

t.test('seed needs a database file: without --db, or with :memory:, it exits 2 with one line', async (t) => {
  const dir = fixtures(t);
  const cwd = join(dir, 'work');
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [[], {}, /seed needs --db <file> \(or ANCHOR_MOCK_DB\)/],
    [['--db', ':memory:'], {}, /:memory:/],
    [[], { ANCHOR_MOCK_DB: ':memory:' }, /:memory:/],
  ];
  for (const [args, env, message] of cases) {
    const res = await runCli(t, ['seed', join(dir, 'alpha.yaml'), ...args], env, { cwd });
    const label = `${args.join(' ')} ${JSON.stringify(env)}`;
    t.equal(res.code, 2, `${label}: exit 2`);
    t.match(res.stderr, message, label);
    oneLine(t, res.stderr);
    t.equal(res.stdout, '');
  }
  t.same(readdirSync(cwd), [], 'no database file was written');

  const db = join(dir, 'from-env.db');
  const res = await runCli(t, ['seed', join(dir, 'alpha.yaml')], { ANCHOR_MOCK_DB: db });
  t.equal(res.code, 0, 'ANCHOR_MOCK_DB names the file');
  t.ok(existsSync(db));

  const help = await runCli(t, ['seed', '--help']);
  t.match(help.stdout, 'seed <file-or-dir>... --db <file>');
  t.match(help.stdout, /--db <file>.*\(default: none: required\)/);
});

t.test('serve --help says the store is in memory unless --db names a file, and what --fresh does', async (t) => {
  const help = await runCli(t, ['--help']);
  t.match(help.stdout, 'in memory unless --db names a file');
  t.match(help.stdout, 'merge into it');
  t.match(help.stdout, /--db <file>.*\(default: :memory:/);
  t.match(help.stdout, /--fresh +Empty the --db file/);
  t.match(help.stdout, 'ANCHOR_MOCK_FRESH');
});
