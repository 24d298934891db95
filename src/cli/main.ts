#!/usr/bin/env node
import { closeSync, mkdirSync, openSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Clock, type ClockMode } from '../domain/clock.js';
import { parseLatency } from '../domain/latency.js';
import { FixtureError, loadFixtures, readFixtureFiles, type LoadCounts } from '../fixture-loader/fixture-loader.js';
import { BUNDLED_FIXTURES } from '../fixture-loader/bundled.js';
import { openStore } from '../store/open-store.js';
import { SchemaVersionError, type Store } from '../store/store.js';
import { PACKAGE_VERSION } from '../version.js';
import { LogDestination } from './log-destination.js';
import { optionsHelp, parseOptions, UsageError, type ParsedOptions } from './options.js';
import { portInUseMessage } from './port-in-use.js';
import { installShutdown } from './shutdown.js';
import { unknownVariableWarnings } from './unknown-variables.js';

type Command = 'serve' | 'seed' | 'healthcheck';
const COMMANDS: readonly Command[] = ['serve', 'seed', 'healthcheck'];

const USAGE: Record<Command, string> = {
  serve:
    'anchorbrowser-mock [serve] [options]\n\nServe the emulated AnchorBrowser API (the default command).\n' +
    'The store is in memory unless --db names a file: each start serves exactly its fixtures.\n' +
    'A --db file keeps its data across starts, and start-up fixtures merge into it (--fresh empties it first).',
  seed:
    'anchorbrowser-mock seed <file-or-dir>... --db <file>\n\n' +
    'Load fixture files into a database file, in one transaction, and print what was loaded.\n' +
    'If it fails, no fixture rows are stored, and a database file (and folder) it created is removed again.',
  healthcheck: 'anchorbrowser-mock healthcheck [--port <n>]\n\nExit 0 if the mock on 127.0.0.1:<port> answers /_mock/health, else 1 (for container health checks).',
};

function helpText(command: Command): string {
  const commands =
    command === 'serve'
      ? '\n\nCommands:\n  serve                       Serve the mock (default)\n  seed <file-or-dir>...       Load fixtures into --db and exit\n  healthcheck                 Probe a running mock\n\nRun `anchorbrowser-mock <command> --help` for a command\'s options.'
      : '';
  return `Usage: ${USAGE[command]}${commands}\n\nOptions:\n${optionsHelp(command)}\n  -h, --help                  Show this help\n  -v, --version               Show the version\n\nFlags win over environment variables; lists in variables are comma-separated; booleans are true/false/1/0.\n`;
}

const describeCounts = (c: LoadCounts) =>
  `${c.accounts} account(s), ${c.api_keys} API key(s), ${c.sessions} session(s), ${c.downloads} download(s)`;

async function serve(opts: ParsedOptions): Promise<void> {
  // Taken first thing: the parent may die while the server starts.
  const parentPid = process.ppid;
  const v = opts.values;
  if (opts.positionals.length > 0) throw new UsageError(`serve takes no arguments (got "${opts.positionals[0]}")`);
  if (v['no-fixtures'] === true && v.fixtures !== undefined) throw new UsageError('--fixtures and --no-fixtures cannot be used together');
  if (v['no-admin'] === true && v['admin-token'] !== undefined) throw new UsageError('--admin-token and --no-admin cannot be used together');
  const level = (v['log-level'] as string | undefined) ?? 'info';
  // Loaded here, not at the top, so `seed` and `healthcheck` skip Fastify's start-up cost.
  const { startServer, StoredDataConflictError } = await import('../server.js');
  const db = (v.db as string | undefined) ?? ':memory:';
  const server = await startServer({
    host: (v.host as string | undefined) ?? '127.0.0.1',
    port: (v.port as number | undefined) ?? 4010,
    db,
    fresh: v.fresh === true,
    fixtures: v['no-fixtures'] === true ? [] : ((v.fixtures as string[] | undefined) ?? [BUNDLED_FIXTURES]),
    publicUrl: v['public-url'] as string | undefined,
    rateLimit:
      v['no-rate-limit'] === true
        ? false
        : { capacity: (v['rate-capacity'] as number | undefined) ?? 60, refillPerSecond: (v['rate-refill'] as number | undefined) ?? 10 },
    signingSecret: v['signing-secret'] as string | undefined,
    signedUrlTtlSeconds: (v['signed-url-ttl'] as number | undefined) ?? 3600,
    clock: new Clock({ mode: (v.clock as ClockMode | undefined) ?? 'real' }),
    latency: v.latency === undefined ? undefined : parseLatency(v.latency as string),
    latencySeed: v['latency-seed'] as number | undefined,
    journalSize: v['journal-size'] as number | undefined,
    admin: v['no-admin'] !== true,
    adminToken: v['admin-token'] as string | undefined,
    bodyLimit: v['body-limit'] as number | undefined,
    logger: {
      level,
      redact: { paths: ['req.headers["anchor-api-key"]', 'req.headers.authorization'], censor: '[redacted]' },
      stream: new LogDestination(),
    },
    requestLogging: level === 'debug' || level === 'trace',
  }).catch((err: unknown) => {
    if (err instanceof StoredDataConflictError) {
      err.message +=
        `\nTo serve the fixtures alone: --db :memory: (nothing is kept), or --fresh to empty ${db} before loading`;
    }
    throw err;
  });
  const { app } = server;
  app.log.info(
    { url: server.url, publicUrl: app.mock.publicUrl, db, loaded: server.loaded.totals },
    `anchorbrowser-mock ${PACKAGE_VERSION} listening on ${server.url}`,
  );
  for (const warning of server.warnings) app.log.warn(warning);

  installShutdown(app, {
    timeoutMs: (v['shutdown-timeout'] as number | undefined) ?? 10_000,
    parentPid: v['exit-with-parent'] === true ? parentPid : undefined,
  });
}

function seed(opts: ParsedOptions): void {
  if (opts.positionals.length === 0) throw new UsageError('seed needs at least one fixture file or folder');
  const db = opts.values.db as string | undefined;
  if (db === undefined) {
    throw new UsageError('seed needs --db <file> (or ANCHOR_MOCK_DB): the database file to write');
  }
  if (db === ':memory:') {
    throw new UsageError('seed needs a database file, not :memory: (gone when seed exits): give --db <file>');
  }
  // Files are read and parsed before the database is touched, and a seed that
  // fails removes the database file and folders it created, so it never
  // leaves an empty store behind for `serve` to start on.
  const sources = readFixtureFiles(opts.positionals);
  const created = createDatabaseFile(db);
  let store: Store | undefined;
  let loaded = false;
  try {
    store = openStore(db, { bulkLoad: true });
    const summary = loadFixtures(store, sources, { now: Date.now() });
    for (const s of summary.sources) console.log(`loaded ${s.name}: ${describeCounts(s)}`);
    console.log(`total into ${db}: ${describeCounts(summary.totals)}`);
    loaded = true;
  } finally {
    store?.close();
    if (!loaded) removeCreated(db, created);
  }
}

interface Created {
  /** The file was created here; false when something was already at the path. */
  file: boolean;
  /** The outermost folder created for it, if any. */
  folder: string | undefined;
}

/**
 * Creates the database file, and its folder, if nothing is at the path yet
 * (exclusively, so a file or link that was there, or that another process
 * creates meanwhile, is never taken for ours). SQLite takes an empty file as
 * a new database.
 */
function createDatabaseFile(db: string): Created {
  const folder = mkdirSync(dirname(resolve(db)), { recursive: true });
  try {
    closeSync(openSync(db, 'wx'));
    return { file: true, folder };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { file: false, folder };
    removeCreated(db, { file: false, folder });
    throw err;
  }
}

/** Best effort: a failure here is reported, and the error that made the seed fail is the one thrown. */
function removeCreated(db: string, { file, folder }: Created): void {
  try {
    if (file) for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    if (folder === undefined) return;
    const stop = dirname(folder);
    for (let dir = dirname(resolve(db)); dir !== stop && dir !== dirname(dir); dir = dirname(dir)) rmdirSync(dir);
  } catch (err) {
    console.error(`anchorbrowser-mock: could not remove what the failed seed created: ${(err as Error).message}`);
  }
}

async function healthcheck(opts: ParsedOptions): Promise<number> {
  const port = (opts.values.port as number | undefined) ?? 4010;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/_mock/health`, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json()) as { status?: string };
    if (res.status === 200 && body.status === 'ok') return 0;
    console.error(`unhealthy: ${res.status} ${JSON.stringify(body)}`);
  } catch (err) {
    console.error(`unhealthy: ${(err as Error).message}`);
  }
  return 1;
}

export async function main(argv: readonly string[], env: Record<string, string | undefined>): Promise<number | undefined> {
  const first = argv[0];
  const command: Command = COMMANDS.includes(first as Command) ? (first as Command) : 'serve';
  const rest = command === first ? argv.slice(1) : argv;
  const opts = parseOptions(command, rest, env);
  if (opts.help) {
    process.stdout.write(helpText(command));
    return 0;
  }
  if (opts.version) {
    console.log(PACKAGE_VERSION);
    return 0;
  }
  for (const warning of unknownVariableWarnings(env)) console.error(`anchorbrowser-mock: warning: ${warning}`);
  if (command === 'seed') {
    seed(opts);
    return 0;
  }
  if (command === 'healthcheck') return healthcheck(opts);
  await serve(opts);
  return undefined; // keeps running until a signal
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  async (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`anchorbrowser-mock: ${err.message}. See --help.`);
      process.exit(2);
    }
    if (err instanceof FixtureError || err instanceof SchemaVersionError) {
      console.error(`anchorbrowser-mock: ${err.message}`);
      process.exit(1);
    }
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
    if (e.code === 'EADDRINUSE' && e.address !== undefined && e.port !== undefined) {
      console.error(`anchorbrowser-mock: ${await portInUseMessage(e.address, e.port)}`);
      process.exit(1);
    }
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      console.error(`anchorbrowser-mock: cannot listen: ${e.message}`);
      process.exit(1);
    }
    console.error('anchorbrowser-mock: unexpected error:', err);
    process.exit(1);
  },
);
