// @ts-check
// The servers under test run as child processes, one at a time; this module
// starts them, waits for them, reads their memory and makes sure none outlives
// the benchmark (also on SIGINT).
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */
/** @typedef {{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }} Exit */
/** @typedef {{ child: ChildProcess, output: { stdout: string, stderr: string }, exited: Promise<Exit> }} Spawned */

export const CLI = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url));

/**
 * The Node flags of the package's start script (`npm start`, which the
 * image's ENTRYPOINT copies), so the mock runs as users start it; the
 * start-up case gives its baseline the same ones.
 * @returns {string[]}
 */
export function startFlags() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const start = /** @type {{ scripts?: Record<string, string> }} */ (pkg).scripts?.start ?? '';
  const match = /\bnode((?: --[\w-]+(?:=\S+)?)*) dist\/bundle\/cli\.cjs\b/.exec(start);
  if (!match)
    throw new Error(`package.json's start script does not read "node [--flags] dist/bundle/cli.cjs": ${start}`);
  return match[1]?.split(' ').filter(Boolean) ?? [];
}

/**
 * `node <flags> dist/bundle/cli.cjs <args>`, with the flags of `npm start`.
 * @param {string[]} args
 */
export function cliCommand(args) {
  return [...startFlags(), CLI, ...args];
}
const BASELINES = {
  fastify: fileURLToPath(new URL('./baselines/fastify-constant.mjs', import.meta.url)),
  http: fileURLToPath(new URL('./baselines/http-constant.mjs', import.meta.url)),
};

const START_DEADLINE_MS = 15_000;
const STOP_DEADLINE_MS = 5_000;
/** Output kept per child, for error messages; the rest is dropped. */
const OUTPUT_LIMIT = 64 * 1024;

/** @type {Set<ChildProcess>} */
const live = new Set();

/** Kills every child still running; synchronous, so it can run in an 'exit' handler. */
export function killAllChildren() {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/** The parent's environment without ANCHOR_MOCK_* settings, so the shell cannot change what is measured. */
function childEnv() {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('ANCHOR_MOCK_')) env[name] = value;
  return env;
}

/**
 * Spawns `node <args>` and tracks it until it exits.
 * @param {string[]} args
 * @returns {Spawned}
 */
export function spawnNode(args) {
  const child = spawn(process.execPath, args, { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => {
    if (output.stdout.length < OUTPUT_LIMIT) output.stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => {
    if (output.stderr.length < OUTPUT_LIMIT) output.stderr += chunk;
  });
  /** @type {Promise<Exit>} */
  const exited = new Promise((resolve, reject) => {
    child.once('error', reject);
    // 'close' also waits for stdout and stderr to drain.
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal, ...output });
    });
  });
  exited.catch(() => live.delete(child));
  return { child, output, exited };
}

/**
 * Resolves with the value, or rejects after `ms`.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
export async function withDeadline(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const deadline = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, /** @type {Promise<never>} */ (deadline)]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Spawns `node <args>` and waits for it to exit. Past `ms` the child is
 * stopped and this rejects.
 * @param {string[]} args
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<Exit>}
 */
export async function runToExit(args, ms, what) {
  const spawned = spawnNode(args);
  try {
    return await withDeadline(spawned.exited, ms, what);
  } catch (err) {
    await stopChild(spawned).catch(() => undefined);
    throw err;
  }
}

/**
 * SIGTERM, then SIGKILL if the child is still there after the deadline.
 * @param {Spawned} spawned
 * @returns {Promise<Exit>}
 */
export async function stopChild({ child, exited }) {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  try {
    return await withDeadline(exited, STOP_DEADLINE_MS, `stopping pid ${child.pid}`);
  } catch {
    child.kill('SIGKILL');
    return exited;
  }
}

/** A port nobody listens on right now (127.0.0.1). */
export function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(port));
      });
    })
  );
}

/**
 * One GET without keep-alive.
 * @param {string} url
 * @param {Record<string, string>} [headers]
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: Buffer }>}
 */
export function httpGet(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false, timeout: 5_000 }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Polls `url` every `pollMs` until it answers 200; fails if the child exits first or the deadline passes.
 * @param {Spawned} spawned
 * @param {string} url
 * @param {number} pollMs
 */
export async function waitFor200({ child, output }, url, pollMs) {
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    const res = await httpGet(url).catch(() => undefined);
    if (res?.status === 200) return;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `pid ${child.pid} exited (${child.exitCode ?? child.signalCode}) before ${url} answered 200:\n${output.stderr}${output.stdout}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${START_DEADLINE_MS} ms`);
    await sleep(pollMs);
  }
}

/**
 * Starts the mock (`serve`) on a free port and waits for /_mock/health.
 * @param {string[]} args flags after `--port`
 * @returns {Promise<Spawned & { url: string }>}
 */
export async function startMock(args) {
  const port = await freePort();
  const spawned = spawnNode(cliCommand(['--port', String(port), ...args]));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(spawned, `${url}/_mock/health`, 5);
  } catch (err) {
    await stopChild(spawned);
    throw err;
  }
  return { ...spawned, url };
}

/**
 * Starts a baseline server, which prints {"port":N} once it listens.
 * @param {'fastify' | 'http'} kind
 * @param {{ bodyFile: string, contentType: string, status: number, path: string }} answer
 * @returns {Promise<Spawned & { url: string }>}
 */
export async function startBaseline(kind, { bodyFile, contentType, status, path }) {
  const args = [BASELINES[kind], bodyFile, contentType, String(status)];
  if (kind === 'fastify') args.push(path);
  const spawned = spawnNode(args);
  const port = new Promise((resolve, reject) => {
    const look = () => {
      const line = /^\{"port":(\d+)\}\n/.exec(spawned.output.stdout);
      if (line) resolve(Number(line[1]));
    };
    spawned.child.stdout?.on('data', look);
    void spawned.exited.then(
      (e) => reject(new Error(`${kind} baseline exited (${e.code ?? e.signal}) before listening:\n${e.stderr}`)),
      reject,
    );
  });
  try {
    const listening = await withDeadline(port, START_DEADLINE_MS, `starting the ${kind} baseline`);
    return { ...spawned, url: `http://127.0.0.1:${listening}` };
  } catch (err) {
    await stopChild(spawned);
    throw err;
  }
}

/**
 * Resident and peak resident memory of a process, in bytes (Linux /proc only).
 * @param {number | undefined} pid
 * @returns {{ rss: number, hwm: number } | undefined}
 */
export function memoryOf(pid) {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (/** @type {string} */ field) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}
