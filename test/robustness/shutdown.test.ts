import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { listUrl } from '../helpers/app.js';
import { contractProblems } from '../helpers/contract.js';
import { startCli, type RunningCli } from '../cli/spawn-helpers.js';
import { httpCall, tryConnect, type Outcome } from './http-probe.js';

// SIGTERM and SIGINT on the real CLI (dist/cli/main.js): in-flight requests
// finish, new connections are refused, the database is closed cleanly and
// the process exits 0; a second signal, or the shutdown timeout, ends it early.

const SESSION = '42b60264-c48a-4ded-aa54-e4a83a710ee5';
const ACME = { 'anchor-api-key': 'ak_acme_main' };

// The four servers start side by side; two at a time keeps a 2-core machine responsive.
t.jobs = 2;

/** Fires the list request and notes when (if ever) it was answered. */
function fire(cli: RunningCli) {
  const state: { answeredAt: number | undefined; outcome: Promise<Outcome> } = {
    answeredAt: undefined,
    outcome: Promise.resolve({ kind: 'error', error: '' }),
  };
  state.outcome = httpCall({ port: cli.port, path: listUrl(SESSION), headers: ACME, timeoutMs: 15_000 }).then((o) => {
    state.answeredAt = Date.now();
    return o;
  });
  return state;
}

const signalled = (signal: string) => (line: Record<string, unknown>) => String(line.msg).startsWith(`${signal}:`);

/** Checks the DB file as the next user would open it. */
function expectCleanDb(t: Test, db: string) {
  const wal = `${db}-wal`;
  t.ok(
    !existsSync(wal) || statSync(wal).size === 0,
    'no write-ahead log left behind: the last connection closed and checkpointed',
  );
  const conn = new Database(db, { fileMustExist: true });
  try {
    t.equal(conn.pragma('integrity_check', { simple: true }), 'ok', 'PRAGMA integrity_check is ok');
    t.equal(
      (conn.prepare('SELECT COUNT(*) AS n FROM downloads').get() as { n: number }).n,
      13,
      'the bundled fixtures are all there',
    );
  } finally {
    conn.close();
  }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(
    `${signal} during a slow request: the request completes with 200, new connections are refused, exit 0, the DB is closed cleanly`,
    async (t) => {
      const db = join(t.testdir({}), 'x.db');
      const cli = await startCli(t, ['--db', db, '--latency', '400', '--log-level', 'info']);
      const request = fire(cli);
      await sleep(100);
      const exited = cli.stop(signal);
      await cli.waitForLog(signalled(signal));

      // The listening socket closes right after the signal is handled; poll briefly (bounded) for that moment.
      const attempts: string[] = [];
      for (let i = 0; i < 40 && attempts.at(-1) !== 'refused'; i++) {
        attempts.push(await tryConnect(cli.port, 1000));
        if (attempts.at(-1) !== 'refused') await sleep(5);
      }
      const stillInFlight = request.answeredAt === undefined;
      t.equal(attempts.at(-1), 'refused', 'a new connection is refused after the signal', { attempts });
      t.ok(stillInFlight, 'the slow request was still in flight when new connections were already refused');

      const res = await request.outcome;
      t.equal(res.kind, 'answer', 'the in-flight request gets an answer', { res });
      if (res.kind === 'answer') {
        t.equal(res.status, 200, 'with 200');
        t.equal(res.headers['content-type'], 'application/json; charset=utf-8');
        const body = JSON.parse(res.body.toString('utf8')) as { data?: { count?: number } };
        t.same(contractProblems(200, body), [], 'and a body that matches the contract');
        t.equal(body.data?.count, 11, 'with all eleven downloads');
      }

      const exit = await exited;
      t.same({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, `${signal} ends serve with exit 0`, {
        stderr: exit.stderr,
      });
      t.notOk(
        cli.logLines().some((l) => /shutdown timeout/.test(String(l.msg))),
        'the shutdown did not have to wait out the timeout',
      );
      expectCleanDb(t, db);
    },
  );
}

t.test(
  'a second SIGTERM exits at once, without waiting for the in-flight request or the 60 s shutdown timeout',
  async (t) => {
    const db = join(t.testdir({}), 'x.db');
    const cli = await startCli(t, [
      '--db',
      db,
      '--latency',
      '5000',
      '--shutdown-timeout',
      '60000',
      '--log-level',
      'info',
    ]);
    const request = fire(cli);
    await sleep(100);
    const exited = cli.stop('SIGTERM');
    await cli.waitForLog(signalled('SIGTERM'));
    t.equal(request.answeredAt, undefined, 'the 5 s request is in flight');
    const secondAt = Date.now();
    cli.child.kill('SIGTERM');
    const exit = await exited;
    const took = Date.now() - secondAt;
    t.ok(took < 1000, `exited ${took} ms after the second SIGTERM (under 1 s)`);
    t.ok(exit.code !== null || exit.signal !== null, 'the process is gone', {
      exit: { code: exit.code, signal: exit.signal },
    });
    t.ok(
      cli.logLines().some((l) => /SIGTERM again/.test(String(l.msg))),
      'it logged that the second signal exits now',
    );
    const res = await request.outcome;
    t.equal(res.kind, 'error', 'the in-flight request was cut, not answered', { res });
  },
);

t.test(
  '--shutdown-timeout 300 with a 5 s request: after SIGTERM the connection is cut and the process exits 0 by itself within 2 s',
  async (t) => {
    const db = join(t.testdir({}), 'x.db');
    const cli = await startCli(t, [
      '--db',
      db,
      '--latency',
      '5000',
      '--shutdown-timeout',
      '300',
      '--log-level',
      'info',
    ]);
    const request = fire(cli);
    await sleep(100);
    const signalAt = Date.now();
    const exit = await cli.stop('SIGTERM');
    const took = Date.now() - signalAt;
    t.ok(took < 2000, `exited ${took} ms after SIGTERM (under 2 s)`);
    t.same({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, 'exit code 0', { stderr: exit.stderr });
    t.ok(
      cli.logLines().some((l) => l.level === 40 && /shutdown timeout of 300 ms reached/.test(String(l.msg))),
      'it logged that the timeout cut the remaining connections',
    );
    const res = await request.outcome;
    t.equal(res.kind, 'error', 'the in-flight request was cut, not answered', { res });
    expectCleanDb(t, db);
  },
);
