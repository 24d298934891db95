import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

/** The built CLI; `npm test` builds it first (run `npm run build` before running one file). */
export const CLI = fileURLToPath(new URL('../../dist/bundle/cli.cjs', import.meta.url));

// Generous: these bound a hung child, they do not measure speed.
const START_DEADLINE_MS = 20_000;
const EXIT_DEADLINE_MS = 20_000;
const POLL_MS = 25;

/** The parent's environment without any ANCHOR_MOCK_* setting, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('ANCHOR_MOCK_')) env[name] = value;
  }
  return { ...env, ...extra };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
}

/**
 * Spawns the CLI as a user runs it. tap instruments every child it sees
 * (its processinfo loader, injected through NODE_OPTIONS at spawn time),
 * which doubles a child's start-up, and has V8 record the coverage of the
 * bundle it runs, which the report leaves out (dist/); `env -u` drops both
 * before node starts.
 */
function spawnCli(args: string[], env: Record<string, string>, cwd?: string): ChildProcess {
  const options = { env: cliEnv(env), cwd, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
  return process.platform === 'win32'
    ? spawn(process.execPath, [CLI, ...args], options)
    : spawn('env', ['-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath, CLI, ...args], options);
}

function collect(child: ChildProcess) {
  const out = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  return out;
}

function exitOf(child: ChildProcess, out: { stdout: string; stderr: string }): Promise<Exit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode, ...out });
      return;
    }
    // 'close' waits for stdout and stderr to be drained as well.
    child.once('close', (code, signal) => resolve({ code, signal, ...out }));
  });
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Where the child runs; the test's own working directory by default. */
export interface SpawnOptions {
  cwd?: string;
}

/** Runs a CLI command that exits by itself (help, usage errors, seed, healthcheck, failed starts). */
export async function runCli(
  t: Test,
  args: string[],
  env: Record<string, string> = {},
  options: SpawnOptions = {},
): Promise<Exit> {
  assertBuilt();
  const child = spawnCli(args, env, options.cwd);
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return withDeadline(exitOf(child, collect(child)), EXIT_DEADLINE_MS, `anchorbrowser-mock ${args.join(' ')}`);
}

export interface RunningCli {
  child: ChildProcess;
  /** http://127.0.0.1:<port>, from the start-up log line. */
  url: string;
  port: number;
  output: { stdout: string; stderr: string };
  /** Log lines printed so far, parsed (pino JSON). */
  logLines(): Array<Record<string, unknown>>;
  /** Polls the log every 25 ms until a line satisfies `match`; throws past the deadline. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/**
 * Starts `serve` (with `--port 0` unless args name a port, and with
 * `--exit-with-parent`), reads the actual address from the JSON start-up
 * line, then polls /_mock/health until it answers 200. Killed at teardown if
 * still running.
 */
export async function startCli(
  t: Test,
  args: string[],
  env: Record<string, string> = {},
  options: SpawnOptions = {},
): Promise<RunningCli> {
  assertBuilt();
  const withPort = args.includes('--port') ? args : [...args, '--port', '0'];
  // A test process that dies (tap's timeout, Ctrl-C) takes its mocks with it.
  const fullArgs = args.includes('--exit-with-parent') ? withPort : [...withPort, '--exit-with-parent'];
  const child = spawnCli(fullArgs, env, options.cwd);
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const output = collect(child);
  const exited = exitOf(child, output);

  const urlInLog = new Promise<string>((resolve, reject) => {
    const look = () => {
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output.stdout);
      if (m) {
        child.stdout?.off('data', look);
        resolve(m[1]!);
      }
    };
    child.stdout?.on('data', look);
    void exited.then((e) =>
      reject(new Error(`serve exited (${e.code ?? e.signal}) before listening:\n${e.stderr}${e.stdout}`)),
    );
  });
  const url = await withDeadline(urlInLog, START_DEADLINE_MS, `anchorbrowser-mock ${fullArgs.join(' ')}`);

  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    const res = await fetch(`${url}/_mock/health`).catch(() => undefined);
    if (res?.status === 200) {
      await res.arrayBuffer();
      break;
    }
    if (Date.now() > deadline) throw new Error(`${url}/_mock/health did not answer 200 in time`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }

  const logLines = () =>
    output.stdout
      .split('\n')
      .filter((line) => line.startsWith('{') && line.endsWith('}'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    child,
    url,
    port: Number(new URL(url).port),
    output,
    logLines,
    waitForLog: async (match) => {
      const until = Date.now() + START_DEADLINE_MS;
      for (;;) {
        const found = logLines().find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error('the expected log line did not appear in time');
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return withDeadline(exited, EXIT_DEADLINE_MS, `stopping anchorbrowser-mock with ${signal}`);
    },
  };
}
