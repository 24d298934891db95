import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { Clock } from './domain/clock.js';
import type { RateLimit } from './domain/token-bucket.js';
import { loadFixtures, readFixtureFiles, type FixtureSource, type LoadSummary } from './fixtures/fixture-loader.js';
import { buildApp } from './http/app.js';
import { publicUrlFor } from './http/mock-context.js';
import { Store } from './store/store.js';

/** The fixtures shipped with the package, used when none are named. */
export const BUNDLED_FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

export interface ServerConfig {
  host: string;
  port: number;
  db: string;
  /** Paths of files or folders, or parsed documents. */
  fixtures: ReadonlyArray<string | FixtureSource>;
  publicUrl?: string;
  rateLimit: RateLimit | false;
  signingSecret?: string;
  signedUrlTtlSeconds: number;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  requestLogging?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  loaded: LoadSummary;
  warnings: string[];
}

export function openStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  return new Store({ path });
}

/**
 * Opens the store, loads the fixtures, builds the app and listens. Only once
 * all of that has worked does /_mock/health answer (it cannot answer before
 * listen). Throws on any failure, leaving nothing open.
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const clock = config.clock ?? new Clock();
  const store = openStore(config.db);
  let app: FastifyInstance | undefined;
  try {
    const loaded = loadFixtures(store, readFixtureFiles(config.fixtures), { now: clock.now() });
    app = await buildApp({
      store,
      clock,
      rateLimit: config.rateLimit,
      publicUrl: config.publicUrl,
      signingSecret: config.signingSecret,
      signedUrlTtlSeconds: config.signedUrlTtlSeconds,
      logger: config.logger,
      requestLogging: config.requestLogging,
    });
    app.addHook('onClose', async () => store.close());
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const warnings: string[] = [];
    if (!app.mock.publicUrlFixed) {
      const derived = publicUrlFor(config.host, port);
      app.mock.publicUrl = derived.url;
      if (derived.wildcard) {
        warnings.push(
          `listening on ${config.host}: file_link and SignedUrl will use ${derived.url}; set --public-url to the address clients use (e.g. http://mock:${port})`,
        );
      }
    }
    return { app, store, url: publicUrlFor(config.host, port).url, loaded, warnings };
  } catch (err) {
    if (app) await app.close();
    store.close();
    throw err;
  }
}
