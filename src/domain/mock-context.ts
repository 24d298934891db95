import { randomBytes } from 'node:crypto';
import { OPTIONS } from '../config/options.js';
import type { Clock } from './clock.js';
import { DownloadCache } from './download-cache.js';
import { FaultRules } from './fault-rules.js';
import { KeyAdmission } from './key-admission.js';
import { Latency, type LatencyRange } from './latency.js';
import { RequestJournal } from './request-journal.js';
import { Sessions } from './sessions/session-service.js';
import { SessionControls } from './sessions/session-controls.js';
import { applySessionRules } from './sessions/session-rules.js';
import type { NewSession } from '../store/sessions-store.js';
import { BucketRegistry, type RateLimit } from './token-bucket.js';
import { loadFixtures, type FixtureSource, type LoadSummary } from '../fixture-loader/fixture-loader.js';
import type { Store } from '../store/store.js';
import type { TableCopy } from '../store/table-copy.js';

/** The largest in-memory store reset keeps a copy of (a copy doubles it); a larger one reloads its fixtures. */
const RESET_COPY_MAX_BYTES = 32 * 1024 * 1024;

export interface MockOptions {
  store: Store;
  clock: Clock;
  /** Default bucket for keys without their own; false turns rate limiting off. */
  rateLimit: RateLimit | false;
  /** Base of file_link and SignedUrl; when undefined it follows the listening address. */
  publicUrl?: string;
  signingSecret?: string;
  signedUrlTtlSeconds: number;
  /** What `reset` goes back to: the documents loaded at start-up. */
  startupFixtures?: readonly FixtureSource[];
  /** Most recent requests kept in the journal. */
  journalSize?: number;
  /** Delay added to every emulated request. */
  latency?: LatencyRange;
  /** Seed of the latency PRNG. */
  latencySeed?: number;
}

/**
 * The mock's state and the operations on it, shared by the routes, the admin
 * API and the programmatic API: store, clock, buckets, journal, faults.
 */
export class MockContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly rateLimit: RateLimit | false;
  readonly buckets = new BucketRegistry();
  readonly admission: KeyAdmission;
  readonly downloads: DownloadCache;
  readonly sessions: Sessions;
  readonly journal: RequestJournal;
  /** What goto, clicks, clipboard, uploads, recordings and agent files leave in a session. */
  readonly controls: SessionControls;
  readonly faults = new FaultRules();
  readonly latency: Latency | undefined;
  readonly signingSecret: string;
  readonly signedUrlTtlSeconds: number;
  readonly publicUrlFixed: boolean;
  readonly startupFixtures: readonly FixtureSource[];
  publicUrl: string;
  closing = false;
  /** When the start-up fixtures were first loaded: reset reloads them as of then. */
  #startupLoadedAt: number | undefined;
  /** The store as the first reset left it, and what that reset loaded. */
  #startupCopy: { tables: TableCopy; summary: LoadSummary } | undefined;

  constructor(options: MockOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.rateLimit = options.rateLimit;
    this.downloads = new DownloadCache(options.store, options.clock);
    this.sessions = new Sessions(options.store, options.clock);
    this.admission = new KeyAdmission(options.store, this.buckets, options.clock, options.rateLimit);
    this.journal = new RequestJournal(options.journalSize ?? OPTIONS.journalSize.default);
    this.controls = new SessionControls(options.store, options.clock);
    this.sessions.onCreated = (row, at) => this.#started(row, at);
    const seed = options.latencySeed ?? OPTIONS.latencySeed.default;
    this.latency = options.latency && options.latency.max > 0 ? new Latency(options.latency, seed) : undefined;
    this.signingSecret = options.signingSecret ?? randomBytes(32).toString('hex');
    this.signedUrlTtlSeconds = options.signedUrlTtlSeconds;
    this.publicUrlFixed = options.publicUrl !== undefined;
    // Until the server listens: the CLI's default address.
    const listening = publicUrlFor(OPTIONS.host.default, OPTIONS.port.default).url;
    this.publicUrl = stripTrailingSlash(options.publicUrl ?? listening);
    this.startupFixtures = options.startupFixtures ?? [];
  }

  /** A session created at run time opens on create's `initial_url`, and its rules are matched (docs/sessions.md). */
  #started(row: NewSession, at: number): void {
    const session = (JSON.parse(row.configuration) as { session?: { initial_url?: unknown } }).session;
    const url = typeof session?.initial_url === 'string' ? session.initial_url : undefined;
    if (url !== undefined) {
      this.controls.openPage(row.id, url);
      this.sessions.addDomain(row.id, url);
    }
    const tags = JSON.parse(row.tags) as string[];
    applySessionRules(this, row.id, row.account_id, { tags, ...(url !== undefined && { url }) }, at);
  }

  /**
   * Loads the start-up fixtures (at start); `reset` later reloads them with the
   * same time. `fresh` empties the store first, in the load's transaction, so
   * a load that fails leaves the data that was there.
   */
  loadStartupFixtures(options: { fresh?: boolean } = {}): LoadSummary {
    const now = (this.#startupLoadedAt = this.clock.now());
    if (!options.fresh) return loadFixtures(this.store, this.startupFixtures, { now });
    return this.store.write((w) => {
      w.wipe();
      return loadFixtures(this.store, this.startupFixtures, { now });
    });
  }

  /** Merges fixture documents into the store (one transaction; throws FixtureError). */
  seed(sources: readonly FixtureSource[]): LoadSummary {
    return loadFixtures(this.store, sources, { now: this.clock.now() });
  }

  /** Removes every account, key, session and download, and refills every bucket. */
  wipe(): void {
    this.store.write((w) => w.wipe());
    this.buckets.clear();
  }

  /**
   * Back to the start-up fixtures, in one transaction: no reader sees a
   * half-loaded store. In memory, the first reset keeps a copy of every table
   * as it loaded them, and later ones put that copy back (docs/fixtures.md).
   */
  reset(): LoadSummary {
    const copy = this.#startupCopy;
    const summary = this.store.write((w) => {
      if (copy) {
        copy.tables.restore();
        return copy.summary;
      }
      w.wipe();
      // Generated created_at is "set on first insert and kept": reload as of the first load.
      return loadFixtures(this.store, this.startupFixtures, { now: this.#startupLoadedAt ?? this.clock.now() });
    });
    this.buckets.clear();
    if (!copy) {
      const tables = this.store.copyTables(RESET_COPY_MAX_BYTES);
      if (tables) this.#startupCopy = { tables, summary };
    }
    return structuredClone(summary);
  }
}

export function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** http://host:port for a listening address; IPv6 bracketed, wildcard hosts replaced by loopback. */
export function publicUrlFor(host: string, port: number): { url: string; wildcard: boolean } {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '[::]';
  const h = wildcard ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { url: `http://${h}:${port}`, wildcard };
}
