import type { FastifyInstance } from 'fastify';
import { Clock } from './domain/clock.js';
import { readFixtureFiles, type FixtureSource, type LoadSummary } from './fixtures/fixture-loader.js';
import { buildApp, type AppOptions } from './http/app.js';
import { publicUrlFor } from './http/mock-context.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

export { BUNDLED_FIXTURES } from './fixtures/bundled.js';
export { openStore } from './store/open-store.js';

export interface ServerConfig extends Omit<AppOptions, 'store' | 'clock' | 'startupFixtures'> {
  host: string;
  port: number;
  db: string;
  /** Paths of files or folders, or parsed documents; loaded at start and again by reset. */
  fixtures: ReadonlyArray<string | FixtureSource>;
  clock?: Clock;
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
  const { host, port, db, fixtures, clock = new Clock(), ...appOptions } = config;
  const startupFixtures = readFixtureFiles(fixtures);
  const store = openStore(db);
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({ ...appOptions, store, clock, startupFixtures });
    const loaded = app.mock.loadStartupFixtures();
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
