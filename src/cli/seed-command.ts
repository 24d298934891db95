import { closeSync, mkdirSync, openSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OPTIONS } from '../config/options.js';
import { loadFixtures, readFixtureFiles, type LoadCounts } from '../fixture-loader/fixture-loader.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { UsageError, valueOf, type ParsedOptions } from './options.js';

const describeCounts = (c: LoadCounts) =>
  `${c.accounts} account(s), ${c.api_keys} API key(s), ${c.sessions} session(s), ${c.downloads} download(s)`;

/** `seed <file-or-dir>... --db <file>`: loads fixtures into a database file and prints what it loaded. */
export function seed(opts: ParsedOptions): void {
  if (opts.positionals.length === 0) throw new UsageError('seed needs at least one fixture file or folder');
  const db = valueOf(opts.values, OPTIONS.seedDb);
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
