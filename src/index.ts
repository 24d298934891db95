import type { FastifyInstance } from 'fastify';
import { OPTIONS } from './config/options.js';
import { Clock, type ClockMode } from './domain/clock.js';
import type { FaultRuleView, JournalEntry, LoadSummary } from './schemas/admin-schemas.js';
import { AddedDownload, FaultRuleInput } from './schemas/admin-schemas.js';
import type { DownloadItem } from './schemas/api-schemas.js';
import { addDownloads } from './domain/sessions/added-downloads.js';
import { toDownloadItem } from './http/operations/download-list.js';
import type { JournalFilter } from './domain/request-journal.js';
import { parseFixtureText, type FixtureSource } from './fixture-loader/fixture-loader.js';
import type { FixtureDocument } from './schemas/fixture-schema.js';
import { startServer, type ServerConfig } from './server.js';
import type { RateLimit } from './domain/token-bucket.js';
import type { z } from 'zod';

export type { FixtureDocument, AccountFixture, SessionFixture, DownloadFixture } from './schemas/fixture-schema.js';
export type { FaultRuleView, FixtureProblem, JournalEntry, LoadSummary } from './schemas/admin-schemas.js';
export type { RateLimit } from './domain/token-bucket.js';
export type { DownloadItem } from './schemas/api-schemas.js';
export { AddedDownloadError, UnknownSessionError } from './domain/sessions/added-downloads.js';
/** A download for `addDownload`: a fixture download's fields, content as {text} or {base64}, optional after_ms. */
export type NewDownload = z.input<typeof AddedDownload>;
export { FixtureError } from './fixture-loader/fixture-loader.js';
export { StoredDataConflictError } from './server.js';
export { Clock } from './domain/clock.js';
export { buildApp } from './http/app.js';
/** Absolute path of the fixtures shipped with the package (the CLI's default): `fixtures: [BUNDLED_FIXTURES]`. */
export { BUNDLED_FIXTURES } from './fixture-loader/bundled.js';

/**
 * Each option is the CLI's option of the same meaning, with the same default
 * unless said otherwise (docs/cli.md lists them side by side).
 */
export interface MockServerOptions {
  /** Fixture documents, or paths of fixture files/folders. By default none, unlike the CLI: an empty mock. */
  fixtures?: ReadonlyArray<FixtureDocument | string>;
  /** Default bucket per key; false turns rate limiting off. */
  rateLimit?: RateLimit | false;
  host?: string;
  /** By default a free port, unlike the CLI. */
  port?: number;
  /** A file keeps data across starts; start-up fixtures merge into it. */
  db?: string;
  /** Empty the `db` file before loading the start-up fixtures, in the same transaction. */
  fresh?: boolean;
  publicUrl?: string;
  signingSecret?: string;
  signedUrlTtlSeconds?: number;
  /** 'real' or 'manual' (frozen until advanced), optionally starting at `now`. */
  clock?: ClockMode | { mode?: ClockMode; now?: Date | number | string };
  journalSize?: number;
  /** Added delay per emulated request: ms, or a uniform range. */
  latency?: number | { min: number; max: number };
  /** Seed of the latency PRNG. */
  latencySeed?: number;
  /** Serve /_mock control routes, unless false. */
  admin?: boolean;
  adminToken?: string;
  /** Fastify logger options; off by default, unlike the CLI. */
  logger?: boolean | { level: string };
}

export interface RequestFilter extends Omit<JournalFilter, 'since'> {
  since?: Date | number | string;
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
  /**
   * Adds a download to an existing session, as POST /_mock/sessions/{id}/downloads does; it is listed once
   * the clock reaches its created_at (now + after_ms). Throws UnknownSessionError, AddedDownloadError
   * (the field at fault), or zod's error for a malformed download.
   */
  addDownload(sessionId: string, download: NewDownload): Promise<DownloadItem>;
  /** The clock behind buckets, signed-URL expiry and generated created_at. */
  readonly clock: Clock;
  /** The underlying Fastify instance, for `inject` and the like. */
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

const toMs = (t: Date | number | string) =>
  t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : t;

function makeClock(option: MockServerOptions['clock']): Clock {
  if (option === undefined || typeof option === 'string') return new Clock({ mode: option ?? OPTIONS.clock.default });
  const now = option.now === undefined ? undefined : toMs(option.now);
  return new Clock({ mode: option.mode ?? OPTIONS.clock.default, now });
}

const inline = (document: unknown, i: number): FixtureSource => ({ name: `fixtures[${i}]`, document });

/** The server's configuration from the options, defaulted from the options table as startMockServer() does. */
function serverConfig(options: MockServerOptions): ServerConfig {
  const { latency: delay } = options;
  const fixtures: NonNullable<MockServerOptions['fixtures']> =
    options.fixtures ?? OPTIONS.fixtures.programmatic.default;
  return {
    host: options.host ?? OPTIONS.host.default,
    port: options.port ?? OPTIONS.port.programmatic.default,
    db: options.db ?? OPTIONS.db.default,
    fresh: options.fresh,
    fixtures: fixtures.map((f, i) => (typeof f === 'string' ? f : inline(f, i))),
    rateLimit: options.rateLimit ?? {
      capacity: OPTIONS.rateCapacity.default,
      refillPerSecond: OPTIONS.rateRefill.default,
    },
    publicUrl: options.publicUrl,
    signingSecret: options.signingSecret,
    signedUrlTtlSeconds: options.signedUrlTtlSeconds ?? OPTIONS.signedUrlTtl.default,
    clock: makeClock(options.clock),
    journalSize: options.journalSize,
    latency: typeof delay === 'number' ? { min: delay, max: delay } : delay,
    latencySeed: options.latencySeed,
    admin: options.admin,
    adminToken: options.adminToken,
    logger: options.logger ?? OPTIONS.logLevel.programmatic.default,
  };
}

/**
 * Starts a mock on a free loopback port with an in-memory store: the
 * programmatic face of the same server the CLI runs.
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  // The old name, from JavaScript or a cast: ignoring it would quietly change the delays.
  if ('seed' in options) throw new TypeError('startMockServer(): the seed option was renamed latencySeed');
  const server = await startServer(serverConfig(options));
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
      if (since !== undefined && Number.isNaN(since))
        throw new TypeError(`requests(): since is not a valid time: ${String(filter.since)}`);
      return mock.journal.list({ ...filter, since });
    },
    async addDownload(sessionId, download) {
      const [row] = addDownloads(mock, sessionId, [{ download: AddedDownload.parse(download) }], mock.clock.now());
      return toDownloadItem(row!, mock.publicUrl);
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
