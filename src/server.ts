import type { FastifyInstance } from 'fastify';
import { Clock } from './domain/clock.js';
import {
  FixtureError,
  loadFixtures,
  readFixtureFiles,
  type FixtureProblem,
  type FixtureSource,
  type LoadSummary,
} from './fixture-loader/fixture-loader.js';
import { buildApp, type AppOptions } from './http/app.js';
import { publicUrlFor } from './domain/mock-context.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

export { BUNDLED_FIXTURES } from './fixture-loader/bundled.js';
export { openStore } from './store/open-store.js';

export interface ServerConfig extends Omit<AppOptions, 'store' | 'clock' | 'startupFixtures'> {
  host: string;
  port: number;
  db: string;
  /** Paths of files or folders, or parsed documents; loaded at start and again by reset. */
  fixtures: ReadonlyArray<string | FixtureSource>;
  clock?: Clock;
  /** Empty the database before loading the fixtures, in the same transaction. */
  fresh?: boolean;
}

/**
 * Start-up fixtures that clash with rows a database file already holds (an id
 * that belongs to another account or session there); `conflicts` are the
 * problems that loading into an empty store would not have.
 */
export class StoredDataConflictError extends FixtureError {
  constructor(
    readonly db: string,
    problems: FixtureProblem[],
    readonly conflicts: FixtureProblem[],
  ) {
    super(problems);
    this.name = 'StoredDataConflictError';
    const n = conflicts.length;
    const all = n === problems.length;
    const lead = all ? (n === 1 ? 'This problem comes' : 'These problems come') : `${n} of these problems come`;
    this.message += `\n${lead} from data already in the database ${db} (start-up fixtures merge into it)`;
  }
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  loaded: LoadSummary;
  warnings: string[];
}

/**
 * Opens the store, loads the fixtures, builds the app and listens; /_mock/health
 * can only answer once all of that has worked. On any failure it throws,
 * leaving nothing open and the store unchanged.
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const { host, port, db, fixtures, clock = new Clock(), fresh = false, ...appOptions } = config;
  const startupFixtures = readFixtureFiles(fixtures);
  const store = openStore(db);
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({ ...appOptions, store, clock, startupFixtures });
    const loaded = loadOrExplain(app, db, fresh);
    app.addHook('onClose', async () => store.close());
    await app.listen({ host, port });
    const address = app.server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const warnings: string[] = [];
    const derived = publicUrlFor(host, actualPort);
    if (!app.mock.publicUrlFixed) {
      app.mock.publicUrl = derived.url;
      if (derived.wildcard) {
        warnings.push(
          `listening on ${host}: file_link and SignedUrl will use ${derived.url}; set --public-url to the address clients use (e.g. http://mock:${actualPort})`,
        );
      }
    }
    return { app, store, url: derived.url, loaded, warnings };
  } catch (err) {
    if (app) await app.close();
    store.close();
    throw err;
  }
}

function loadOrExplain(app: FastifyInstance, db: string, fresh: boolean): LoadSummary {
  try {
    return app.mock.loadStartupFixtures({ fresh });
  } catch (err) {
    if (!(err instanceof FixtureError) || db === ':memory:' || fresh) throw err;
    const conflicts = problemsOnlyWithStoredData(err.problems, app.mock.startupFixtures, app.mock.clock.now());
    throw conflicts.length === 0 ? err : new StoredDataConflictError(db, err.problems, conflicts);
  }
}

/** Loads the same fixtures into an empty in-memory store: what fails only in the file is the file's doing. */
function problemsOnlyWithStoredData(
  problems: FixtureProblem[],
  sources: readonly FixtureSource[],
  now: number,
): FixtureProblem[] {
  const key = (p: FixtureProblem) => JSON.stringify([p.source, p.path, p.message]);
  const scratch = openStore(':memory:');
  try {
    loadFixtures(scratch, sources, { now });
    return problems;
  } catch (err) {
    if (!(err instanceof FixtureError)) throw err;
    const alone = new Set(err.problems.map(key));
    return problems.filter((p) => !alone.has(key(p)));
  } finally {
    scratch.close();
  }
}
