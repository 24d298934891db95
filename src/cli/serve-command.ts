import { OPTIONS, type OptionSpec } from '../config/options.js';
import { Clock } from '../domain/clock.js';
import { parseLatency } from '../domain/latency.js';
import type { ServerConfig } from '../server.js';
import { PACKAGE_VERSION } from '../version.js';
import { LogDestination } from './log-destination.js';
import { UsageError, valueOf, type ParsedOptions } from './options.js';
import { installShutdown } from './shutdown.js';

/** `serve`: starts the mock and keeps it running until a signal (or the parent's end) stops it. */
export async function serve(opts: ParsedOptions): Promise<void> {
  // Taken first thing: the parent may die while the server starts.
  const parentPid = process.ppid;
  const v = opts.values;
  if (opts.positionals.length > 0) throw new UsageError(`serve takes no arguments (got "${opts.positionals[0]}")`);
  if (v['no-fixtures'] === true && v.fixtures !== undefined) {
    throw new UsageError('--fixtures and --no-fixtures cannot be used together');
  }
  if (v['no-admin'] === true && v['admin-token'] !== undefined) {
    throw new UsageError('--admin-token and --no-admin cannot be used together');
  }
  // Loaded here, not at the top, so `seed` and `healthcheck` skip Fastify's start-up cost.
  const { startServer, StoredDataConflictError } = await import('../server.js');
  const config = serverConfig(v);
  const server = await startServer(config).catch((err: unknown) => {
    if (err instanceof StoredDataConflictError) {
      err.message +=
        '\nTo serve the fixtures alone: --db :memory: (nothing is kept), ' +
        `or --fresh to empty ${config.db} before loading`;
    }
    throw err;
  });
  const { app } = server;
  app.log.info(
    { url: server.url, publicUrl: app.mock.publicUrl, db: config.db, loaded: server.loaded.totals },
    `anchorbrowser-mock ${PACKAGE_VERSION} listening on ${server.url}`,
  );
  for (const warning of server.warnings) app.log.warn(warning);

  installShutdown(app, {
    timeoutMs: valueOf(v, OPTIONS.shutdownTimeout),
    parentPid: valueOf(v, OPTIONS.exitWithParent) === true ? parentPid : undefined,
  });
}

/** The server's configuration from the parsed options, each defaulted from the table. */
function serverConfig(values: ParsedOptions['values']): ServerConfig {
  const get = <S extends OptionSpec>(spec: S) => valueOf(values, spec);
  const level = get(OPTIONS.logLevel);
  return {
    host: get(OPTIONS.host),
    port: get(OPTIONS.port),
    db: get(OPTIONS.db),
    fresh: get(OPTIONS.fresh) === true,
    fixtures: get(OPTIONS.noFixtures) === true ? [] : get(OPTIONS.fixtures),
    publicUrl: get(OPTIONS.publicUrl),
    rateLimit:
      get(OPTIONS.noRateLimit) === true
        ? false
        : { capacity: get(OPTIONS.rateCapacity), refillPerSecond: get(OPTIONS.rateRefill) },
    signingSecret: get(OPTIONS.signingSecret),
    signedUrlTtlSeconds: get(OPTIONS.signedUrlTtl),
    clock: new Clock({ mode: get(OPTIONS.clock) }),
    latency: parseLatency(get(OPTIONS.latency)),
    latencySeed: get(OPTIONS.latencySeed),
    journalSize: get(OPTIONS.journalSize),
    admin: get(OPTIONS.noAdmin) !== true,
    adminToken: get(OPTIONS.adminToken),
    bodyLimit: get(OPTIONS.bodyLimit),
    logger: {
      level,
      redact: { paths: ['req.headers["anchor-api-key"]', 'req.headers.authorization'], censor: '[redacted]' },
      stream: new LogDestination(),
    },
    requestLogging: level === 'debug' || level === 'trace',
  };
}
