import type { FastifyInstance } from 'fastify';
import { Clock, type ClockMode } from './domain/clock.js';
import type { FaultRuleView } from './schemas/admin-schemas.js';
import { FaultRuleInput } from './schemas/admin-schemas.js';
import type { JournalEntry } from './domain/request-journal.js';
import { parseFixtureText, type FixtureSource, type LoadSummary } from './fixture-loader/fixture-loader.js';
import type { FixtureDocument } from './schemas/fixture-schema.js';
import { startServer } from './server.js';
import type { RateLimit } from './domain/token-bucket.js';
import type { z } from 'zod';

export type { FixtureDocument, AccountFixture, SessionFixture, DownloadFixture } from './schemas/fixture-schema.js';
export type { JournalEntry } from './domain/request-journal.js';
export type { FaultRuleView } from './schemas/admin-schemas.js';
export type { LoadSummary, FixtureProblem } from './fixture-loader/fixture-loader.js';
export type { RateLimit } from './domain/token-bucket.js';
export { FixtureError } from './fixture-loader/fixture-loader.js';
export { StoredDataConflictError } from './server.js';
export { Clock } from './domain/clock.js';
export { buildApp } from './http/app.js';
/** Absolute path of the fixtures shipped with the package (the CLI's default): `fixtures: [BUNDLED_FIXTURES]`. */
export { BUNDLED_FIXTURES } from './fixture-loader/bundled.js';

export interface MockServerOptions {
  /** Fixture documents, or paths of fixture files/folders. Default: none (an empty mock). */
  fixtures?: ReadonlyArray<FixtureDocument | string>;
  /** Default bucket per key; false turns rate limiting off. Default { capacity: 60, refillPerSecond: 10 }. */
  rateLimit?: RateLimit | false;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default ':memory:'. A file keeps data across starts; start-up fixtures merge into it. */
  db?: string;
  /** Empty the `db` file before loading the start-up fixtures, in the same transaction. Default false. */
  fresh?: boolean;
  publicUrl?: string;
  signingSecret?: string;
  /** Default 3600. */
  signedUrlTtlSeconds?: number;
  /** 'real' (default) or 'manual' (frozen until advanced), optionally starting at `now`. */
  clock?: ClockMode | { mode?: ClockMode; now?: Date | number | string };
  /** Default 10,000. */
  journalSize?: number;
  /** Added delay per emulated request: ms, or a uniform range. */
  latency?: number | { min: number; max: number };
  /** Seed of the latency PRNG. Default 1. */
  latencySeed?: number;
  /** Serve /_mock control routes. Default true. */
  admin?: boolean;
  adminToken?: string;
  /** Fastify logger options; default off. */
  logger?: boolean | { level: string };
}

export interface RequestFilter {
  sessionId?: string;
  status?: number;
  since?: Date | number | string;
  limit?: number;
}

export interface MockServer {
  /** http://127.0.0.1:<port>: give it to the SDK as baseURL (or ANCHORBROWSER_BASE_URL). */
  readonly url: string;
  /** Merges fixture documents (same format as fixture files; a string is parsed as YAML/JSON). */
  seed(fixtures: FixtureDocument | FixtureDocument[] | string): Promise<LoadSummary>;
  /** Back to the start-up fixtures; refills every bucket. */
  reset(): Promise<LoadSummary>;
  /** Removes all data; refills every bucket. */
  wipe(): Promise<void>;
  /** The journal of requests to the emulated API, oldest first. */
  requests(filter?: RequestFilter): JournalEntry[];
  clearRequests(): void;
  readonly faults: {
    add(rule: z.input<typeof FaultRuleInput>): FaultRuleView;
    list(): FaultRuleView[];
    remove(id: string): boolean;
    clear(): void;
  };
  /** The clock behind buckets, signed-URL expiry and generated created_at. */
  readonly clock: Clock;
  /** The underlying Fastify instance, for `inject` and the like. */
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

const toMs = (t: Date | number | string) => (t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : t);

function makeClock(option: MockServerOptions['clock']): Clock {
  if (option === undefined || typeof option === 'string') return new Clock({ mode: option ?? 'real' });
  return new Clock({ mode: option.mode ?? 'real', now: option.now === undefined ? undefined : toMs(option.now) });
}

const inline = (document: unknown, i: number): FixtureSource => ({ name: `fixtures[${i}]`, document });

/**
 * Starts a mock on a free loopback port with an in-memory store: the
 * programmatic face of the same server the CLI runs.
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  // The old name, from JavaScript or a cast: ignoring it would quietly change the delays.
  if ('seed' in options) throw new TypeError('startMockServer(): the seed option was renamed latencySeed');
  const latency = options.latency === undefined ? undefined : typeof options.latency === 'number' ? { min: options.latency, max: options.latency } : options.latency;
  const server = await startServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    db: options.db ?? ':memory:',
    fresh: options.fresh,
    fixtures: (options.fixtures ?? []).map((f, i) => (typeof f === 'string' ? f : inline(f, i))),
    rateLimit: options.rateLimit ?? { capacity: 60, refillPerSecond: 10 },
    publicUrl: options.publicUrl,
    signingSecret: options.signingSecret,
    signedUrlTtlSeconds: options.signedUrlTtlSeconds ?? 3600,
    clock: makeClock(options.clock),
    journalSize: options.journalSize,
    latency,
    latencySeed: options.latencySeed,
    admin: options.admin,
    adminToken: options.adminToken,
    logger: options.logger ?? false,
  });
  const mock = server.app.mock;
  return {
    url: server.url,
    app: server.app,
    clock: mock.clock,
    async seed(fixtures) {
      // Text keeps itself, so its problems get a line and column.
      if (typeof fixtures === 'string') {
        return mock.seed([{ ...inline(parseFixtureText(fixtures, '', 'fixtures[0]'), 0), text: fixtures }]);
      }
      return mock.seed((Array.isArray(fixtures) ? fixtures : [fixtures]).map(inline));
    },
    async reset() {
      return mock.reset();
    },
    async wipe() {
      mock.wipe();
    },
    requests(filter = {}) {
      const since = filter.since === undefined ? undefined : toMs(filter.since);
      if (since !== undefined && Number.isNaN(since)) throw new TypeError(`requests(): since is not a valid time: ${String(filter.since)}`);
      return mock.journal.list({ ...filter, since });
    },
    clearRequests() {
      mock.journal.clear();
    },
    faults: {
      add: (rule) => mock.faults.add(FaultRuleInput.parse(rule)),
      list: () => mock.faults.list(),
      remove: (id) => mock.faults.remove(id),
      clear: () => mock.faults.clear(),
    },
    close: () => server.app.close(),
  };
}
