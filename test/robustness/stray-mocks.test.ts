import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { parseOptions } from '../../src/cli/options.js';
import { CLI, cliEnv, startCli } from '../cli/spawn-helpers.js';
import { tryConnect } from './http-probe.js';

// A mock started by a process that dies first (a test runner that crashed, a
// cancelled CI step) must not be left holding its port: SIGTERM still ends
// it whatever became of its log pipe, and --exit-with-parent ends it alone.

t.jobs = 2;

const POLL_MS = 25;
const START_DEADLINE_MS = 20_000;

/**
 * The parent in these tests: it starts the mock with piped stdout and stderr,
 * reads them as a test runner would, and prints the mock's pid and url.
 */
const PARENT_SCRIPT = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, process.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
child.stdout.setEncoding('utf8').on('data', (chunk) => {
  if (out === undefined) return;
  out += chunk;
  const m = /"url":"(http:[^"]+)"/.exec(out);
  if (m) { out = undefined; process.stdout.write(JSON.stringify({ pid: child.pid, url: m[1] }) + '\\n'); }
});
child.stderr.resume();
child.on('exit', (code, signal) => {
  process.stdout.write(JSON.stringify({ code, signal }) + '\\n');
  process.exit(1);
});
`;

interface Orphanable {
  parent: ChildProcess;
  parentExit: Promise<unknown>;
  pid: number;
  port: number;
}

/** Starts the mock under a parent process; both are SIGKILLed at teardown if still there. */
async function startUnderParent(t: Test, args: string[]): Promise<Orphanable> {
  const node = ['-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath];
  const parent = spawn('env', [...node, '-e', PARENT_SCRIPT, CLI, '--port', '0', ...args], {
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const parentExit = new Promise((resolve) => parent.once('exit', resolve));
  let pid: number | undefined;
  t.teardown(() => {
    if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
    if (pid !== undefined && running(pid)) process.kill(pid, 'SIGKILL');
  });
  let out = '';
  parent.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const until = Date.now() + START_DEADLINE_MS;
  for (;;) {
    const first = out.split('\n')[0]!;
    if (out.includes('\n')) {
      const started = JSON.parse(first) as { pid?: number; url?: string };
      if (started.pid === undefined || started.url === undefined) throw new Error(`the mock did not start: ${first}`);
      pid = started.pid;
      return { parent, parentExit, pid, port: Number(new URL(started.url).port) };
    }
    if (Date.now() > until) throw new Error('the mock did not start in time');
    await sleep(POLL_MS);
  }
}

/** False once the process is gone, or only a zombie waiting for whoever adopted it. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  const state = /\) (\S)/.exec(readFileSync(stat, 'utf8'))?.[1];
  return state !== 'Z' && state !== 'X';
}

/** Polls until the process is gone; returns how long that took, or undefined past the deadline. */
async function goneWithin(pid: number, ms: number): Promise<number | undefined> {
  const from = Date.now();
  while (Date.now() - from <= ms) {
    if (!running(pid)) return Date.now() - from;
    await sleep(POLL_MS);
  }
  return undefined;
}

/** Whether the port can be listened on again. */
function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function expectClosedDb(t: Test, db: string) {
  const wal = `${db}-wal`;
  t.ok(!existsSync(wal) || statSync(wal).size === 0, 'the database was closed cleanly (no write-ahead log left)');
}

t.test('SIGTERM ends a mock whose log reader was SIGKILLed, within its shutdown timeout', async (t) => {
  const db = join(t.testdir({}), 'x.db');
  const mock = await startUnderParent(t, ['--db', db, '--shutdown-timeout', '3000']);
  mock.parent.kill('SIGKILL');
  await mock.parentExit;
  process.kill(mock.pid, 'SIGTERM');
  const took = await goneWithin(mock.pid, 3000);
  t.not(took, undefined, `the mock is gone ${took} ms after SIGTERM, within its 3000 ms shutdown timeout`);
  t.equal(await tryConnect(mock.port, 1000), 'refused', 'its port refuses connections');
  expectClosedDb(t, db);
});

t.test('with stdout full (its reader stopped reading), the mock serves on and SIGTERM ends it with 0', async (t) => {
  const db = join(t.testdir({}), 'x.db');
  const cli = await startCli(t, ['--db', db, '--log-level', 'debug', '--shutdown-timeout', '3000']);
  cli.child.stdout!.pause();
  cli.child.stderr!.pause();
  // Each request logs its url: 120 of 12 KB fill any pipe buffer, and the mock's own allowance for a slow reader.
  const pad = 'x'.repeat(12 * 1024);
  for (let i = 0; i < 120; i++) {
    const res = await fetch(`${cli.url}/_mock/health?pad=${pad}`);
    await res.arrayBuffer();
    if (res.status !== 200) t.fail(`request ${i} answered ${res.status}`);
  }
  const res = await fetch(`${cli.url}/_mock/health`);
  t.equal(res.status, 200, 'it still answers once the log pipe is full');
  await res.arrayBuffer();

  const exited = new Promise<[number | null, string | null]>((resolve) =>
    cli.child.once('exit', (code, signal) => resolve([code, signal])),
  );
  cli.child.kill('SIGTERM');
  const deadline = sleep(3000).then(() => 'still running' as const);
  const outcome = await Promise.race([exited, deadline]);
  t.same(outcome, [0, null], 'SIGTERM ends it with exit 0 within its 3000 ms shutdown timeout');
  expectClosedDb(t, db);
  // Read what is left, so the pipes close.
  const closed = new Promise((resolve) => cli.child.once('close', resolve));
  cli.child.stdout!.resume();
  cli.child.stderr!.resume();
  if (outcome === 'still running') return;
  await closed;
  const logged = cli.logLines().filter((l) => String((l.req as { url?: string } | undefined)?.url).includes(pad));
  t.ok(logged.length < 120, `the pipe did fill: ${logged.length} of the 120 padded requests' lines got through`);
});

t.test('--exit-with-parent: the mock is gone within 2 s of its parent dying by SIGKILL, its port free', async (t) => {
  const db = join(t.testdir({}), 'x.db');
  const mock = await startUnderParent(t, ['--db', db, '--exit-with-parent']);
  await sleep(300);
  t.ok(running(mock.pid), 'it keeps running while its parent lives');
  mock.parent.kill('SIGKILL');
  await mock.parentExit;
  const took = await goneWithin(mock.pid, 2000);
  t.not(took, undefined, `the mock is gone ${took} ms after its parent`);
  t.equal(await tryConnect(mock.port, 1000), 'refused', 'a connection to its port is refused');
  t.ok(await portFree(mock.port), 'and the port can be listened on again');
  expectClosedDb(t, db);
});

t.test('--exit-with-parent is a serve flag, also set by ANCHOR_MOCK_EXIT_WITH_PARENT', async (t) => {
  t.equal(parseOptions('serve', ['--exit-with-parent'], {}).values['exit-with-parent'], true);
  t.equal(parseOptions('serve', [], { ANCHOR_MOCK_EXIT_WITH_PARENT: '1' }).values['exit-with-parent'], true);
  t.equal(parseOptions('serve', [], { ANCHOR_MOCK_EXIT_WITH_PARENT: 'false' }).values['exit-with-parent'], false);
  const seed = () => parseOptions('seed', ['--exit-with-parent'], {});
  t.throws(seed, { message: /--exit-with-parent/ }, 'seed does not take it');
});
