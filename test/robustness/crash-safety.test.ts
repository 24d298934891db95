import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { listUrl } from '../helpers/app.js';
import { contractProblems } from '../helpers/contract.js';
import { CLI, cliEnv, startCli, type RunningCli } from '../cli/spawn-helpers.js';
import { httpCall } from './http-probe.js';
import { mulberry32, picker, robustnessSeed } from './seeded-random.js';

// kill -9 in the middle of a big load — `seed` into a file, or POST
// /_mock/fixtures to `serve` — leaves the database exactly as it was before
// the load or exactly as it is after it, never in between, and the next
// start opens it as it is, with no repair step. Kill times are seeded
// (ROBUSTNESS_SEED replays them); ROBUSTNESS_VERBOSE=1 prints every kill.

const SEED = robustnessSeed(0x5eed_c4a5);
const draw = picker(mulberry32(SEED));
const KEY = 'ak_crash_main';
const SEED_KILLS = 20;
const NEW_FILE_SEED_KILLS = 10;
const JOURNAL_KILLS = 3;
const SERVE_KILLS = 6;
/** Bounds a child that should have exited (or been killed) long ago. */
const EXIT_DEADLINE_MS = 30_000;

// ---- fixtures -------------------------------------------------------------

const created = (i: number) => new Date(Date.UTC(2025, 0, 1) + i).toISOString();
// Every field explicit (created_at too), so the state after a load does not depend on when it ran.
const download = (session: string, i: number, size: number, duration: number) => ({
  id: `${session}-d${i}`,
  original_download_url: `https://example.com/${session}/${i}.bin`,
  origin_url: 'https://example.com/',
  original_file_name: `file-${i}.bin`,
  created_at: created(i),
  duration,
  size,
});
const session = (id: string, downloads: ReturnType<typeof download>[]) => ({
  id,
  created_at: '2025-01-01T00:00:00.000Z',
  downloads,
});
const aRows = (size: number, duration: number) =>
  Array.from({ length: 5 }, (_, i) => download('a-s0', i, size + i, duration));
const bulk = (prefix: string, sessions: number, perSession: number) =>
  Array.from({ length: sessions }, (_, s) =>
    session(
      `${prefix}-s${s}`,
      Array.from({ length: perSession }, (_, i) => download(`${prefix}-s${s}`, i, i, i)),
    ),
  );

/** The first, small load: one account, one key, one session of five downloads. */
const fixtureA: FixtureDocument = {
  accounts: [{ id: 'crash', api_keys: [KEY], sessions: [session('a-s0', aRows(100, 1))] }],
};
/** The big `seed`: 30,000 new size-only downloads in 30 sessions, and new values for a's five. */
const fixtureB: FixtureDocument = {
  accounts: [{ id: 'crash', api_keys: [KEY], sessions: [session('a-s0', aRows(200, 2)), ...bulk('b', 30, 1000)] }],
};
/** The big POST /_mock/fixtures body: 15,000 new downloads in 15 sessions, and new values for a's five. */
const fixtureC: FixtureDocument = {
  accounts: [{ id: 'crash', api_keys: [KEY], sessions: [session('a-s0', aRows(300, 3)), ...bulk('c', 15, 1000)] }],
};

// ---- the state of a database file ------------------------------------------

interface DbState {
  integrity: string;
  accounts: number;
  api_keys: number;
  sessions: number;
  downloads: number;
  size_sum: number;
  /** SHA-256 of every download row (id, session, size, duration, created_at, etag), in id order. */
  digest: string;
}

function readState(file: string): DbState {
  const db = new Database(file, { fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const hash = createHash('sha256');
    for (const row of db
      .prepare('SELECT id, session_id, size, duration, created_at, etag FROM downloads ORDER BY id')
      .raw()
      .iterate()) {
      hash.update(`${(row as unknown[]).join('\u0001')}\n`);
    }
    return {
      integrity,
      accounts: count('accounts'),
      api_keys: count('api_keys'),
      sessions: count('sessions'),
      downloads: count('downloads'),
      size_sum: (db.prepare('SELECT COALESCE(SUM(size), 0) AS s FROM downloads').get() as { s: number }).s,
      digest: hash.digest('hex'),
    };
  } finally {
    db.close();
  }
}

// -journal: `seed` into a new file writes in rollback-journal mode (Store bulkLoad).
const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

/**
 * A copy of a database a killed process left behind, with its side files
 * (WAL and shared memory, or rollback journal), so that reading it recovers
 * the copy and the original keeps its hot WAL or journal for the next start
 * to recover by itself.
 */
function copyAsLeft(file: string, scratch: string): string {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const copy = join(scratch, 'snapshot.db');
  for (const side of SIDE_FILES) if (existsSync(file + side)) copyFileSync(file + side, copy + side);
  return copy;
}

/** The state of a database a killed process left behind (see copyAsLeft). */
function snapshotState(file: string, scratch: string): DbState {
  return readState(copyAsLeft(file, scratch));
}

/** Whether a database a killed process left behind holds any table yet (see copyAsLeft). */
function hasTables(file: string, scratch: string): boolean {
  const db = new Database(copyAsLeft(file, scratch), { fileMustExist: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n > 0;
  } finally {
    db.close();
  }
}

/** A fingerprint of the WAL's bytes: a changed one after a kill means the load had started writing. */
function walPrint(file: string): string {
  const wal = `${file}-wal`;
  return existsSync(wal) ? createHash('sha256').update(readFileSync(wal)).digest('hex') : 'none';
}

/** Replaces `file` (and any WAL) with a copy of the closed database `from`. */
function restore(file: string, from: string) {
  for (const side of SIDE_FILES) rmSync(file + side, { force: true });
  copyFileSync(from, file);
}

/** 'before', 'after', or a description of the state in between. */
function classify(state: DbState, before: DbState, after: DbState): 'before' | 'after' | string {
  if (state.integrity !== 'ok') return `integrity_check: ${state.integrity}`;
  if (JSON.stringify(state) === JSON.stringify(before)) return 'before';
  if (JSON.stringify(state) === JSON.stringify(after)) return 'after';
  return `between: ${JSON.stringify(state)}`;
}

// ---- child processes ----------------------------------------------------------

const live = new Set<ChildProcess>();
t.teardown(() => {
  for (const child of live) child.kill('SIGKILL');
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** When to SIGKILL a run: after a delay, or as soon as a file appears (a transaction's journal). */
type KillWhen = number | { fileAppears: string };

/** Runs the CLI (without tap's loader and coverage, like spawn-helpers), SIGKILLed as `killWhen` says, if given. */
function runCli(args: string[], killWhen?: KillWhen): Promise<Ended> {
  const started = Date.now();
  const child = spawn('env', ['-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath, CLI, ...args], {
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out.stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out.stderr += c));
  const kill = () => child.kill('SIGKILL');
  const killer = typeof killWhen === 'number' ? setTimeout(kill, killWhen) : undefined;
  const watcher = typeof killWhen === 'object' ? watchFor(killWhen.fileAppears, kill) : undefined;
  const deadline = setTimeout(kill, EXIT_DEADLINE_MS);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      watcher?.close();
      clearTimeout(deadline);
      live.delete(child);
      resolve({ code, signal, ...out, ms: Date.now() - started });
    });
  });
}

/** Calls `then` once `file` exists: inotify on its folder, so the call comes within a millisecond or so. */
function watchFor(file: string, then: () => void) {
  let fired = false;
  const check = () => {
    if (!fired && existsSync(file)) {
      fired = true;
      then();
    }
  };
  const watcher = watch(dirname(file), check);
  check();
  return watcher;
}

/** The i-th of n kill times, one per stratum of [0, duration), at a seeded point inside it. */
const killTime = (i: number, n: number, duration: number) => Math.round(((i + draw.random()) / n) * duration);

interface Tally {
  /** Killed before the load wrote anything. */
  beforeWrites: number;
  /** Killed after the load had written (uncommitted) WAL frames, before its commit. */
  midTransaction: number;
  /** Killed after the commit (before the process exited or answered). */
  after: number;
  finishedFirst: number;
  between: string[];
}

const newTally = (): Tally => ({ beforeWrites: 0, midTransaction: 0, after: 0, finishedFirst: 0, between: [] });
const describeTally = (n: number, tally: Tally) =>
  `${n} kills: ${tally.beforeWrites + tally.midTransaction} before the commit (${tally.beforeWrites} before any write, ${tally.midTransaction} mid-transaction with uncommitted WAL frames), ${tally.after} after it, ${tally.finishedFirst} finished before the kill`;

function count(tally: Tally, finished: boolean, verdict: string, walChanged: boolean) {
  if (finished) tally.finishedFirst++;
  else if (verdict === 'before') tally[walChanged ? 'midTransaction' : 'beforeWrites']++;
  else if (verdict === 'after') tally.after++;
}

function setUp(t: Test) {
  const dir = t.testdir({});
  const files = {
    dir,
    a: join(dir, 'a.json'),
    b: join(dir, 'b.json'),
    c: join(dir, 'c.json'),
    beforeDb: join(dir, 'before.db'),
    scratch: join(dir, 'scratch'),
  };
  writeFileSync(files.a, JSON.stringify(fixtureA));
  writeFileSync(files.b, JSON.stringify(fixtureB));
  writeFileSync(files.c, JSON.stringify(fixtureC));
  return files;
}

t.test(`kill -9 during big loads leaves the DB before or after, never between (seed ${SEED})`, async (t) => {
  const files = setUp(t);
  const seeded = await runCli(['seed', files.a, '--db', files.beforeDb]);
  t.equal(seeded.code, 0, 'seed a.json into a new DB', { stderr: seeded.stderr });
  const before = readState(files.beforeDb);
  t.match(
    before,
    { integrity: 'ok', accounts: 1, api_keys: 1, sessions: 1, downloads: 5, size_sum: 510 },
    'the "before" state: a alone',
  );

  // The serve kills need one fresh server each (start-up is most of their
  // cost). They start on the spare core while the seed kills run, each on its
  // own copy of "before", and wait idle until the serve test uses them.
  const serveDbs = Array.from({ length: SERVE_KILLS + 1 }, (_, i) => join(files.dir, `serve-${i}.db`));
  let serversReady: Promise<RunningCli[]> | undefined;
  const startServers = () => {
    for (const db of serveDbs) copyFileSync(files.beforeDb, db);
    serversReady = Promise.all(serveDbs.map((db) => startCli(t, ['--no-fixtures', '--db', db])));
    serversReady.catch(() => {}); // awaited (and reported) by the serve test
  };

  let seedDbLeft = '';

  t.test(`seed b.json (30,000 downloads), SIGKILLed ${SEED_KILLS} times across its run time`, async (t) => {
    // One unkilled run gives the "after" state and the run time to spread the kills over.
    const measured = join(files.dir, 'seed-measured.db');
    copyFileSync(files.beforeDb, measured);
    const full = await runCli(['seed', files.b, '--db', measured]);
    t.equal(full.code, 0, 'an unkilled seed exits 0', { stderr: full.stderr });
    t.match(full.stdout, /31 session\(s\), 30005 download\(s\)/);
    const after = readState(measured);
    t.match(after, { integrity: 'ok', sessions: 31, downloads: 30_005 }, 'the "after" state: a updated, plus b');
    t.not(after.digest, before.digest);
    // A second, warm run: the same result, and the run time of a typical run.
    restore(measured, files.beforeDb);
    const again = await runCli(['seed', files.b, '--db', measured]);
    t.same(readState(measured), after, 'a second unkilled seed gives the same "after" state');
    const duration = Math.min(full.ms, again.ms);
    startServers();

    // The same file while it still holds "before": each run has to open what
    // the previous SIGKILL left (hot WAL and all) with no repair step. Once a
    // run committed, a fresh copy: loading b again onto its own result writes
    // identical rows, so a half-applied reload could not be seen.
    const work = join(files.dir, 'seed-work.db');
    restore(work, files.beforeDb);
    const tally = newTally();
    const log: string[] = [];
    let committed = false;
    for (let i = 0; i < SEED_KILLS; i++) {
      if (committed) restore(work, files.beforeDb);
      const delay = killTime(i, SEED_KILLS, duration);
      const walBefore = walPrint(work);
      const run = await runCli(['seed', files.b, '--db', work], delay);
      const walChanged = walPrint(work) !== walBefore;
      const state = snapshotState(work, files.scratch);
      const verdict = classify(state, before, after);
      const acknowledged = run.stdout.includes('total into');
      log.push(
        `kill at ${delay} ms: ${run.signal ?? `exit ${run.code}`}, ${walChanged ? 'WAL written' : 'WAL untouched'}, ${verdict.slice(0, 200)}`,
      );
      count(tally, run.code === 0, verdict, walChanged);
      if (verdict !== 'before' && verdict !== 'after') tally.between.push(`kill at ${delay} ms: ${verdict}`);
      if (acknowledged && verdict !== 'after')
        tally.between.push(`kill at ${delay} ms: seed printed its totals but the DB is ${verdict}`);
      if (run.code !== 0 && run.signal !== 'SIGKILL')
        tally.between.push(`kill at ${delay} ms: seed failed by itself: ${run.stderr}`);
      committed = verdict === 'after';
    }
    t.comment(`seed: measured run ${duration} ms; ${describeTally(SEED_KILLS, tally)}`);
    if (process.env.ROBUSTNESS_VERBOSE) t.comment(log.join('\n'));
    t.same(tally.between, [], `every kill left "before" or "after" (seed ${SEED})`, { log });
    t.ok(tally.beforeWrites + tally.midTransaction > 0, 'some kills landed before the commit', { log });
    seedDbLeft = work;
  });

  t.test(
    `seed b.json into a new file (rollback journal, not WAL), SIGKILLed ${NEW_FILE_SEED_KILLS} times, then ${JOURNAL_KILLS} more as its journal appears`,
    async (t) => {
      // A new file has no "before" rows: a kill must leave no file, or one
      // without tables or rows, or the whole load.
      const measured = join(files.dir, 'new-measured.db');
      const full = await runCli(['seed', files.b, '--db', measured]);
      t.equal(full.code, 0, 'an unkilled seed exits 0', { stderr: full.stderr });
      t.equal(readFileSync(measured)[18], 1, 'written in rollback-journal mode (header byte 18), not WAL');
      const after = readState(measured);
      t.match(after, { integrity: 'ok', sessions: 31, downloads: 30_005 });

      const work = join(files.dir, 'new-work.db');
      const outcomes = { nothing: 0, hotJournal: 0, after: 0 };
      const between: string[] = [];
      const log: string[] = [];
      const killAt = async (when: KillWhen) => {
        const at = typeof when === 'number' ? `${when} ms` : 'journal creation';
        for (const side of SIDE_FILES) rmSync(work + side, { force: true });
        const run = await runCli(['seed', files.b, '--db', work], when);
        const hotJournal = existsSync(`${work}-journal`);
        let verdict: string;
        if (!existsSync(work) || !hasTables(work, files.scratch)) verdict = 'nothing';
        else {
          const state = snapshotState(work, files.scratch);
          const empty =
            state.integrity === 'ok' && state.accounts + state.api_keys + state.sessions + state.downloads === 0;
          if (empty) verdict = 'nothing';
          else if (state.integrity === 'ok' && JSON.stringify(state) === JSON.stringify(after)) verdict = 'after';
          else verdict = `between: ${JSON.stringify(state)}`;
        }
        log.push(
          `kill at ${at}: ${run.signal ?? `exit ${run.code}`}, ${hotJournal ? 'journal left' : 'no journal'}, ${verdict.slice(0, 200)}`,
        );
        if (verdict === 'nothing') outcomes.nothing++;
        else if (verdict === 'after') outcomes.after++;
        else between.push(`kill at ${at}: ${verdict}`);
        if (hotJournal && verdict === 'nothing') outcomes.hotJournal++;
        if (run.stdout.includes('total into') && verdict !== 'after')
          between.push(`kill at ${at}: seed printed its totals but the DB is ${verdict}`);
        if (run.code !== 0 && run.signal !== 'SIGKILL')
          between.push(`kill at ${at}: seed failed by itself: ${run.stderr}`);
      };
      for (let i = 0; i < NEW_FILE_SEED_KILLS; i++) await killAt(killTime(i, NEW_FILE_SEED_KILLS, full.ms));
      // The transaction is a short part of the run and a busy machine shifts it,
      // so timed kills may all miss it: these are aimed at the moment its journal appears.
      for (let i = 0; i < JOURNAL_KILLS; i++) await killAt({ fileAppears: `${work}-journal` });
      t.comment(`seed into a new file: measured run ${full.ms} ms; ${JSON.stringify(outcomes)}`);
      if (process.env.ROBUSTNESS_VERBOSE) t.comment(log.join('\n'));
      t.same(between, [], `every kill left nothing or the whole load (seed ${SEED})`, { log });
      t.ok(outcomes.hotJournal > 0, 'some kills landed mid-transaction, leaving a hot journal', { log });

      // The next run opens what the last kill left, with no repair step.
      for (const side of SIDE_FILES) rmSync(work + side, { force: true });
      await runCli(['seed', files.b, '--db', work], Math.round(full.ms * 0.8));
      const again = await runCli(['seed', files.b, '--db', work]);
      t.equal(again.code, 0, 'seeding the killed file again exits 0', { stderr: again.stderr });
      t.same(readState(work), after, 'and gives the same state as an unkilled seed');
    },
  );

  let serveDbLeft = '';

  t.test(
    `serve: POST /_mock/fixtures (15,000 downloads), SIGKILLed ${SERVE_KILLS} times during the request`,
    async (t) => {
      const body = readFileSync(files.c);
      const post = (port: number) =>
        httpCall({
          port,
          method: 'POST',
          path: '/_mock/fixtures',
          headers: { 'content-type': 'application/json' },
          body,
          timeoutMs: 20_000,
        });

      // One at a time: the first server answers the load unkilled, giving
      // "after" and the duration; the others are killed during it. All are
      // equally cold (started together, never used), so the duration carries over.
      if (!serversReady) startServers();
      const servers = await serversReady!;
      const dbs = serveDbs;

      const startedAt = Date.now();
      const res = await post(servers[0]!.port);
      const duration = Date.now() - startedAt;
      t.match(res, { kind: 'answer', status: 201 }, 'an unkilled POST answers 201');
      t.equal((await servers[0]!.stop('SIGTERM')).code, 0);
      const after = readState(dbs[0]!);
      t.match(after, { integrity: 'ok', sessions: 16, downloads: 15_005 }, 'the "after" state: a updated, plus c');

      const tally = newTally();
      const log: string[] = [];
      for (let i = 0; i < SERVE_KILLS; i++) {
        const cli = servers[i + 1]!;
        const db = dbs[i + 1]!;
        const delay = killTime(i, SERVE_KILLS, duration);
        const walBefore = walPrint(db);
        const exited = new Promise<void>((resolve) => cli.child.once('close', () => resolve()));
        const answer = post(cli.port);
        const killer = setTimeout(() => cli.child.kill('SIGKILL'), delay);
        const outcome = await answer;
        // The process goes either way; an answer that came first is noted.
        clearTimeout(killer);
        cli.child.kill('SIGKILL');
        await exited;
        const walChanged = walPrint(db) !== walBefore;
        const state = snapshotState(db, files.scratch);
        const verdict = classify(state, before, after);
        log.push(
          `kill at ${delay} ms: ${outcome.kind === 'answer' ? `answered ${outcome.status} first` : outcome.error}, ${walChanged ? 'WAL written' : 'WAL untouched'}, ${verdict.slice(0, 200)}`,
        );
        count(tally, outcome.kind === 'answer', verdict, walChanged);
        if (verdict !== 'before' && verdict !== 'after') tally.between.push(`kill at ${delay} ms: ${verdict}`);
        if (outcome.kind === 'answer' && outcome.status === 201 && verdict !== 'after') {
          tally.between.push(`kill at ${delay} ms: the load was answered 201 but the DB is ${verdict}`);
        }
        serveDbLeft = db;
      }
      t.comment(`serve: measured POST ${duration} ms; ${describeTally(SERVE_KILLS, tally)}`);
      if (process.env.ROBUSTNESS_VERBOSE) t.comment(log.join('\n'));
      t.same(tally.between, [], `every kill left "before" or "after" (seed ${SEED})`, { log });
    },
  );

  t.test('serve --no-fixtures opens each killed DB as it is: healthy, and its data answers', async (t) => {
    const beforeRows = aRows(100, 1);
    const check = async (label: string, file: string) => {
      t.ok(file, `${label} exists`);
      if (!file) return;
      const state = snapshotState(file, join(files.scratch, label.replaceAll(' ', '-')));
      t.equal(state.integrity, 'ok', `${label}: integrity ok`);
      const cli = await startCli(t, ['--no-fixtures', '--db', file]);
      const health = await httpCall({ port: cli.port, path: '/_mock/health' });
      t.match(health, { kind: 'answer', status: 200 }, `${label}: /_mock/health answers 200`);
      const stateRes = await httpCall({ port: cli.port, path: '/_mock/state' });
      const totals =
        stateRes.kind === 'answer'
          ? (JSON.parse(stateRes.body.toString('utf8')) as { data: { totals: unknown } }).data.totals
          : undefined;
      t.same(
        totals,
        { accounts: state.accounts, api_keys: state.api_keys, sessions: state.sessions, downloads: state.downloads },
        `${label}: /_mock/state counts what the file holds`,
      );
      const list = await httpCall({ port: cli.port, path: listUrl('a-s0'), headers: { 'anchor-api-key': KEY } });
      t.match(list, { kind: 'answer', status: 200 }, `${label}: the key answers and lists a's session`);
      if (list.kind === 'answer') {
        const json = JSON.parse(list.body.toString('utf8')) as {
          data: { count: number; items: Array<{ size: number }> };
        };
        t.same(contractProblems(200, json), [], `${label}: the list matches the contract`);
        t.equal(json.data.count, 5, `${label}: five downloads in a's session`);
        const sizes = json.data.items.map((item) => item.size);
        t.ok(
          [100, 200, 300].some((base) => JSON.stringify(sizes) === JSON.stringify(beforeRows.map((_, i) => base + i))),
          `${label}: a's rows are whole, from one load (${sizes.join(',')})`,
        );
      }
      t.equal((await cli.stop('SIGTERM')).code, 0, `${label}: stops with exit 0`);
      t.equal(readState(file).integrity, 'ok', `${label}: still ok after serving`);
    };
    await Promise.all([
      check('the DB the seed kills left', seedDbLeft),
      check('the DB the serve kills left', serveDbLeft),
    ]);
  });
});
