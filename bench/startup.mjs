// @ts-check
// The start-up cases: what a test suite pays to start the mock, each against a
// bare Fastify app with one route started the same way, in alternating pairs
// (mock, baseline, baseline, mock, ...), judged on the median of the per-pair
// ratios. Wall time and CPU time (user + system) are both recorded; the
// machine's wall times drift, so where the two disagree CPU time decides.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';
import { CLI, freePort, httpGet, memoryOf, runToExit, spawnNode, startFlags, stopChild } from './child-processes.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./startup-child.mjs', import.meta.url));
const FASTIFY_BASELINE = fileURLToPath(new URL('./baselines/fastify-constant.mjs', import.meta.url));

/** The bundled fixtures' session with eleven downloads, and a key that reads it. */
export const LIST_PATH = '/v1/sessions/42b60264-c48a-4ded-aa54-e4a83a710ee5/downloads';
const LIST_KEY = 'ak_acme_main';
const POLL_MS = 5;
const DEADLINE_MS = 20_000;
/** In each in-process mock child, after its first start: more starts, then resets, each timed. */
const LATER_STARTS = 5;
const RESETS = 20;

export const STARTUP_TARGETS = {
  cliRatio: 1.3,
  inProcessRatio: 1.3,
  laterStartMs: 30,
  resetMs: 2,
  rssRatio: 1.3,
  contractRatio: 1.2,
};

/** @typedef {{ wallMs: number, cpuMs: number, rssBytes: number }} Sample */
/**
 * @typedef {{ name: 'clone' | 'tarball', cli: string, child: string, cwd: string }} Source
 *   where the CLI, the in-process child script and its working folder are.
 */
/**
 * @typedef {{ cli: { mock: Sample[], base: Sample[] },
 *   inProcess: { mock: Sample[], base: Sample[], post: Sample[] },
 *   laterMs: number[], laterCpuMs: number[], resetsMs: number[], resetsCpuMs: number[],
 *   failures: string[], notes: string[] }} SourceResult
 */

export function median(/** @type {number[]} */ xs) {
  const s = [...xs].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); NaN elsewhere. */
function cpuOf(/** @type {number | undefined} */ pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * The packed tarball installed into a scratch project, as another project gets
 * it (npm pack + npm install, scripts off, with this repo's compiled
 * better-sqlite3 so nothing compiles); npm run bench has built dist/ first.
 * @param {string} tmp
 * @returns {Promise<Source>}
 */
export async function installTarball(tmp) {
  const dest = join(tmp, 'tarball');
  const project = join(tmp, 'consumer');
  mkdirSync(dest, { recursive: true });
  mkdirSync(project, { recursive: true });
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([n]) => !/^(npm_|NODE_OPTIONS$|NODE_V8_COVERAGE$)/.test(n)),
  );
  const npm = (/** @type {string[]} */ args, /** @type {string} */ cwd) =>
    execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const packed = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dest], ROOT);
  const [info] = JSON.parse(packed.slice(packed.indexOf('[')));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const flags = ['--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
  npm(['install', ...flags, join(dest, info.filename)], project);
  cpSync(join(ROOT, 'node_modules/better-sqlite3/build'), join(project, 'node_modules/better-sqlite3/build'), {
    recursive: true,
  });
  const installed = join(project, 'node_modules/anchorbrowser-mock');
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const child = join(project, 'startup-child.mjs');
  copyFileSync(CHILD, child);
  return { name: 'tarball', cli: join(installed, pkg.bin['anchorbrowser-mock']), child, cwd: project };
}

/** @returns {Source} */
export const cloneSource = () => ({ name: 'clone', cli: CLI, child: CHILD, cwd: ROOT });

/**
 * Polls GET `url` (with the list's key) until 200; the child must not exit first.
 * @param {import('./child-processes.mjs').Spawned} spawned
 * @param {string} url
 */
async function pollFor200(spawned, url) {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const res = await httpGet(url, { 'anchor-api-key': LIST_KEY }).catch(() => undefined);
    if (res?.status === 200) return res.body;
    const { child, output } = spawned;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`pid ${child.pid} exited before ${url} answered 200:\n${output.stderr}${output.stdout}`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${DEADLINE_MS} ms`);
    await sleep(POLL_MS);
  }
}

/**
 * Spawns `node <flags> <args>` listening on `port`, times it to its first 200 of the list, reads its CPU and RSS.
 * @param {string[]} args
 * @param {number} port
 */
async function timeSpawn(args, port) {
  const started = performance.now();
  const spawned = spawnNode([...startFlags(), ...args]);
  try {
    const body = await pollFor200(spawned, `http://127.0.0.1:${port}${LIST_PATH}`);
    const wallMs = performance.now() - started;
    const sample = { wallMs, cpuMs: cpuOf(spawned.child.pid), rssBytes: memoryOf(spawned.child.pid)?.rss ?? NaN };
    return { sample, body };
  } finally {
    await stopChild(spawned);
  }
}

/**
 * The mock's CLI (bundled fixtures, in-memory store) from spawn to its first 200 of the list.
 * @param {Source} source
 */
async function spawnMock(source) {
  const port = await freePort();
  return timeSpawn([source.cli, '--port', String(port), '--db', ':memory:', '--log-level', 'warn'], port);
}

/** A bare Fastify app with one route answering the list's bytes, spawned the same way. */
async function spawnBaseline(/** @type {string} */ bodyFile) {
  const port = await freePort();
  const args = [FASTIFY_BASELINE, bodyFile, 'application/json; charset=utf-8', '200', LIST_PATH, String(port)];
  return (await timeSpawn(args, port)).sample;
}

/**
 * One fresh process of bench/startup-child.mjs, plain `node` (as a test runner starts one).
 * @param {Source} source
 * @param {'mock' | 'mock-post' | 'fastify'} mode
 * @param {string} body
 */
async function runChild(source, mode, body) {
  const options = { path: LIST_PATH, key: LIST_KEY, body, later: 0, resets: 0 };
  if (mode === 'mock') Object.assign(options, { later: LATER_STARTS, resets: RESETS });
  const exit = await runToExit([source.child, mode, JSON.stringify(options)], DEADLINE_MS, `${mode} child`);
  const last = exit.stdout.trim().split('\n').at(-1) ?? '';
  if (exit.code !== 0) throw new Error(`${mode} child exited ${exit.code ?? exit.signal}: ${exit.stderr.trim()}`);
  /** @typedef {{ laterMs: number[], laterCpuMs: number[], resetsMs: number[], resetsCpuMs: number[] }} Later */
  return /** @type {Sample & Later & { note?: string }} */ (JSON.parse(last));
}

/**
 * Every start-up case for one source, `pairs` times, the order alternating.
 * @param {Source} source
 * @param {number} pairs
 * @param {string} tmp
 * @param {(line: string) => void} progress
 * @returns {Promise<SourceResult>}
 */
export async function measureSource(source, pairs, tmp, progress) {
  /** @type {SourceResult} */
  const r = {
    cli: { mock: [], base: [] },
    inProcess: { mock: [], base: [], post: [] },
    laterMs: [],
    laterCpuMs: [],
    resetsMs: [],
    resetsCpuMs: [],
    failures: [],
    notes: [],
  };
  // The baseline serves the mock's own bytes for the list.
  const first = await spawnMock(source);
  const bodyFile = join(tmp, `startup-list-${source.name}.json`);
  writeFileSync(bodyFile, first.body);
  const body = first.body.toString('utf8');
  const attempt = async (/** @type {string} */ what, /** @type {() => Promise<void>} */ fn) =>
    fn().catch((err) => r.failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`));

  for (let i = 0; i < pairs; i++) {
    const cli = [
      () => attempt('cli mock', async () => void r.cli.mock.push((await spawnMock(source)).sample)),
      () => attempt('cli baseline', async () => void r.cli.base.push(await spawnBaseline(bodyFile))),
    ];
    const inProcess = [
      () =>
        attempt('in-process mock', async () => {
          const s = await runChild(source, 'mock', body);
          r.inProcess.mock.push(s);
          r.laterMs.push(...s.laterMs);
          r.laterCpuMs.push(...s.laterCpuMs);
          r.resetsMs.push(...s.resetsMs);
          r.resetsCpuMs.push(...s.resetsCpuMs);
        }),
      () =>
        attempt('in-process baseline', async () => void r.inProcess.base.push(await runChild(source, 'fastify', body))),
      () =>
        attempt('in-process mock + POST', async () => {
          const s = await runChild(source, 'mock-post', body);
          r.inProcess.post.push(s);
          if (s.note && !r.notes.includes(s.note)) r.notes.push(s.note);
        }),
    ];
    if (i % 2 === 1) cli.reverse();
    for (const step of cli) await step();
    // Three to rotate: each takes each place as often.
    for (const step of [...inProcess.slice(i % 3), ...inProcess.slice(0, i % 3)]) await step();
    const last = (/** @type {Sample[]} */ xs) => xs.at(-1)?.wallMs.toFixed(0) ?? '?';
    progress(
      `startup ${source.name} ${i + 1}/${pairs}: CLI mock ${last(r.cli.mock)} ms, bare Fastify ${last(r.cli.base)} ms; ` +
        `in-process mock ${last(r.inProcess.mock)} ms, bare Fastify ${last(r.inProcess.base)} ms`,
    );
  }
  return r;
}

/**
 * The median of per-pair ratios of `field` (pairs by index; a failed run drops its pair).
 * @param {Sample[]} mock
 * @param {Sample[]} base
 * @param {keyof Sample} field
 */
export function pairRatio(mock, base, field) {
  const n = Math.min(mock.length, base.length);
  const ratios = [];
  for (let i = 0; i < n; i++)
    ratios.push(/** @type {Sample} */ (mock[i])[field] / /** @type {Sample} */ (base[i])[field]);
  return median(ratios);
}

/**
 * @typedef {{ case: string, source: string, baseline: string, base: string, mock: string, wallRatio?: number,
 *   cpuRatio?: number, measured: string, target: string, pass: boolean | null, notes: string }} StartupRow
 */

/**
 * The rows of the start-up table for one source. A ratio row passes on CPU
 * time where wall and CPU time disagree.
 * @param {Source['name']} name
 * @param {SourceResult} r
 * @returns {StartupRow[]}
 */
export function startupRows(name, r) {
  const T = STARTUP_TARGETS;
  const ms = (/** @type {number} */ x) => (Number.isNaN(x) ? '?' : `${x.toFixed(0)} ms`);
  const both = (/** @type {Sample[]} */ xs) =>
    `${ms(median(xs.map((s) => s.wallMs)))} wall, ${ms(median(xs.map((s) => s.cpuMs)))} CPU`;
  const failed = r.failures.length > 0;
  const ratioRow = (
    /** @type {string} */ label,
    /** @type {string} */ baseline,
    /** @type {Sample[]} */ mock,
    /** @type {Sample[]} */ base,
    /** @type {number} */ target,
  ) => {
    const wallRatio = pairRatio(mock, base, 'wallMs');
    const cpuRatio = pairRatio(mock, base, 'cpuMs');
    return {
      case: label,
      source: name,
      baseline,
      base: both(base),
      mock: both(mock),
      wallRatio,
      cpuRatio,
      measured: `${wallRatio.toFixed(2)}× wall, ${cpuRatio.toFixed(2)}× CPU`,
      target: `≤ ${target}×`,
      pass: !failed && cpuRatio <= target,
      notes: `${Math.min(mock.length, base.length)} pairs`,
    };
  };
  const mb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(1)} MB`;
  const rssRatio = pairRatio(r.cli.mock, r.cli.base, 'rssBytes');
  const laterMs = median(r.laterMs);
  const laterCpuMs = median(r.laterCpuMs);
  const resetMs = median(r.resetsMs);
  const resetCpuMs = median(r.resetsCpuMs);
  const contract = ratioRow(
    'start-contract',
    'in-process start alone',
    r.inProcess.post,
    r.inProcess.mock,
    T.contractRatio,
  );
  const notServed = r.notes.length > 0;
  return [
    ratioRow('start-cli', 'bare Fastify, spawned', r.cli.mock, r.cli.base, T.cliRatio),
    ratioRow('start-in-process', 'bare Fastify, imported', r.inProcess.mock, r.inProcess.base, T.inProcessRatio),
    {
      case: 'later-starts',
      source: name,
      baseline: '—',
      base: '',
      mock: `${r.laterMs.length} starts`,
      measured: `${laterMs.toFixed(1)} ms wall, ${laterCpuMs.toFixed(1)} ms CPU`,
      target: `≤ ${T.laterStartMs} ms`,
      pass: !failed && laterCpuMs <= T.laterStartMs,
      notes:
        'startMockServer → first 200 of the list, after the first start in the same process; medians, judged on CPU',
    },
    {
      case: 'reset',
      source: name,
      baseline: '—',
      base: '',
      mock: `${r.resetsMs.length} resets`,
      measured: `${resetMs.toFixed(2)} ms wall, ${resetCpuMs.toFixed(2)} ms CPU`,
      target: `≤ ${T.resetMs} ms`,
      pass: !failed && resetCpuMs <= T.resetMs,
      notes: 'mock.reset() back to the bundled fixtures; medians, judged on CPU',
    },
    {
      case: 'start-rss',
      source: name,
      baseline: 'bare Fastify, spawned',
      base: mb(median(r.cli.base.map((s) => s.rssBytes))),
      mock: mb(median(r.cli.mock.map((s) => s.rssBytes))),
      measured: `${rssRatio.toFixed(2)}× RSS`,
      target: `≤ ${T.rssRatio}×`,
      pass: !failed && rssRatio <= T.rssRatio,
      notes: 'VmRSS at the first 200 of the CLI',
    },
    notServed
      ? {
          ...contract,
          measured: 'not measured',
          pass: null,
          notes: `${r.notes.join('; ')}: the operation is not served yet`,
        }
      : { ...contract, notes: `start + POST /v1/sessions + list vs start + list; ${contract.notes}` },
  ].map((row) => (failed ? { ...row, notes: `${row.notes}; FAILURES: ${r.failures.join('; ')}` } : row));
}
