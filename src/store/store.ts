import Database from 'better-sqlite3';
import { migrations as defaultMigrations } from './migrations.js';
import type { AccountCounts, ApiKeyRow, DownloadRow, DownloadUpsert, DownloadWithContent, SessionRow } from './rows.js';
import { SessionsStore, type AccountLimits, type SessionUpsert } from './sessions-store.js';
import { SessionRuleStore, type SessionRuleWriter } from './session-rules-store.js';
import { TableCopy } from './table-copy.js';
import { preparer } from './lazy-statements.js';
import { finalSchema, migrate } from './schema.js';

export type { AccountCounts, ApiKeyRow, DownloadRow, DownloadUpsert, DownloadWithContent, SessionRow } from './rows.js';

// In statement order; created_at comes again for the DO UPDATE clause.
type DownloadParams = [
  string,
  string,
  string,
  string,
  string,
  string,
  number,
  number,
  number | null,
  number,
  string,
  Buffer | null,
  string,
  number | null,
  number | null,
];

export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
}

export interface StoreOptions {
  /** A file path, or ':memory:'. */
  path: string;
  /** For tests of the upgrade path; the shipped list otherwise. */
  migrations?: readonly string[];
  /**
   * For `seed`: a new database file (user_version 0) stays in SQLite's
   * rollback-journal mode, which writes a large first load once instead of
   * twice (to the WAL, then at the checkpoint), with full syncs, as that mode
   * needs to survive a power cut. Any later open, even a second `seed`,
   * switches the file to WAL. A database that has a schema opens as usual.
   */
  bulkLoad?: boolean;
}

/**
 * The SQLite store: schema, migrations and every prepared statement the
 * mock runs. Knows nothing of HTTP. `generation` grows on every committed
 * write, so callers can cache reads and know when to drop them.
 */
export class Store {
  readonly db: Database.Database;
  /** The session lifecycle's statements (each prepared on first use, like the rest). */
  readonly sessions: SessionsStore;
  #generation = 0;
  readonly #stmts;
  /** Session rules and which sessions they have fired for. */
  readonly rules: SessionRuleStore;

  constructor(options: StoreOptions) {
    const migrations = options.migrations ?? defaultMigrations;
    this.db = new Database(options.path);
    try {
      // Read the version before anything that writes (journal mode included),
      // so a file from a newer release is left exactly as it was.
      const version = this.db.pragma('user_version', { simple: true }) as number;
      if (version > migrations.length) {
        throw new SchemaVersionError(
          `database ${options.path} has schema version ${version}, newer than this release supports (${migrations.length}); ` +
            'upgrade anchorbrowser-mock or point --db at another file',
        );
      }
      const fresh = version === 0;
      // 16 KB pages for a new database (SQLite ignores this for one that has
      // tables): a large seed writes fewer, fuller pages than with the default
      // 4 KB, and inserts quicker (docs/performance.md).
      if (fresh) this.db.pragma('page_size = 16384');
      const onDisk = options.path !== ':memory:';
      const rollbackJournal = onDisk && options.bulkLoad === true && fresh;
      if (onDisk && !rollbackJournal) this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      // NORMAL is safe against power loss only in WAL mode.
      this.db.pragma(rollbackJournal ? 'synchronous = FULL' : 'synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      if (onDisk) migrate(this.db, version, migrations);
      else {
        // In memory: the latest schema at once, worked out once per process.
        this.db.exec(finalSchema(migrations));
        this.db.pragma(`user_version = ${migrations.length}`);
      }
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.#stmts = this.#prepare();
    this.sessions = new SessionsStore(this.db, (fn) => this.write(() => fn()));
    this.rules = new SessionRuleStore(this.db);
  }

  #prepare() {
    const prepare = preparer(this.db);
    return {
      keyByHash: prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE key_hash = ?'),
      sessionById: prepare<[string], SessionRow>('SELECT id, account_id, created_at FROM sessions WHERE id = ?'),
      downloadsBySession: prepare<[string], DownloadRow>(
        `SELECT id, session_id, original_download_url, origin_url, suggested_file_name, original_file_name,
                duration, size, created_at, content_type, etag, visible_from
           FROM downloads WHERE session_id = ? ORDER BY created_at, id`,
      ),
      downloadById: prepare<[string], DownloadWithContent>('SELECT * FROM downloads WHERE id = ?'),
      downloadOwner: prepare<[string], { session_id: string }>('SELECT session_id FROM downloads WHERE id = ?'),
      // An entry without limits keeps those an earlier one gave (loads merge, never delete).
      insertAccount: prepare<[string, number | null, number | null, number | null]>(
        `INSERT INTO accounts (id, credits, session_limit_count, session_limit_seconds) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET
           credits = COALESCE(excluded.credits, credits),
           session_limit_count = COALESCE(excluded.session_limit_count, session_limit_count),
           session_limit_seconds = COALESCE(excluded.session_limit_seconds, session_limit_seconds)`,
      ),
      upsertKey: prepare<[string, string, string, number | null, number | null, string | null]>(
        `INSERT INTO api_keys (key_hash, fingerprint, account_id, rate_capacity, rate_refill_per_second, name)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key_hash) DO UPDATE SET
           rate_capacity = excluded.rate_capacity,
           rate_refill_per_second = excluded.rate_refill_per_second,
           name = excluded.name`,
      ),
      // created_at: the given one, else kept from the first insert. status
      // only on the first insert: after that it is run-time state (--db).
      upsertSession: prepare<Required<SessionUpsert>>(
        `INSERT INTO sessions (id, account_id, created_at, status, tags)
         VALUES (@id, @account_id, COALESCE(@created_at, @default_created_at), @status, @tags)
         ON CONFLICT (id) DO UPDATE SET created_at = COALESCE(@created_at, sessions.created_at), tags = @tags`,
      ),
      // Positional parameters (faster to bind than named ones, which matters
      // at 100k rows). The WHERE keeps a download from moving to another
      // session: such a row reports 0 changes.
      upsertDownload: prepare<DownloadParams>(
        `INSERT INTO downloads (id, session_id, original_download_url, origin_url, suggested_file_name,
                                original_file_name, duration, size, created_at, content_type, content, etag,
                                visible_from)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, ?), ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET
           original_download_url = excluded.original_download_url,
           origin_url = excluded.origin_url,
           suggested_file_name = excluded.suggested_file_name,
           original_file_name = excluded.original_file_name,
           duration = excluded.duration,
           size = excluded.size,
           created_at = COALESCE(?, downloads.created_at),
           content_type = excluded.content_type,
           content = excluded.content,
           etag = excluded.etag,
           visible_from = excluded.visible_from
         WHERE downloads.session_id = excluded.session_id`,
      ),
      counts: prepare<[], AccountCounts>(
        `SELECT a.id,
                (SELECT COUNT(*) FROM api_keys k WHERE k.account_id = a.id) AS api_keys,
                (SELECT COUNT(*) FROM sessions s WHERE s.account_id = a.id) AS sessions,
                (SELECT COUNT(*) FROM downloads d JOIN sessions s ON d.session_id = s.id WHERE s.account_id = a.id) AS downloads
           FROM accounts a ORDER BY a.id`,
      ),
    };
  }

  get generation(): number {
    return this.#generation;
  }

  findKey(keyHash: string): ApiKeyRow | undefined {
    return this.#stmts.keyByHash.get(keyHash);
  }

  findSession(id: string): SessionRow | undefined {
    return this.#stmts.sessionById.get(id);
  }

  listDownloads(sessionId: string): DownloadRow[] {
    return this.#stmts.downloadsBySession.all(sessionId);
  }

  findDownload(id: string): DownloadWithContent | undefined {
    return this.#stmts.downloadById.get(id);
  }

  downloadSessionId(id: string): string | undefined {
    return this.#stmts.downloadOwner.get(id)?.session_id;
  }

  /** A copy of every table to go back to, for an in-memory store of at most `maxBytes` (TableCopy). */
  copyTables(maxBytes: number): TableCopy | undefined {
    return this.db.memory ? TableCopy.take(this.db, maxBytes) : undefined;
  }

  counts(): AccountCounts[] {
    return this.#stmts.counts.all();
  }

  /**
   * Runs `fn` as one transaction with the write statements; all of it
   * commits or none of it does.
   */
  write<T>(fn: (w: StoreWriter) => T): T {
    const s = this.#stmts;
    const writer: StoreWriter = {
      insertAccount: (id, l) =>
        void s.insertAccount.run(
          id,
          l?.credits ?? null,
          l?.session_limit_count ?? null,
          l?.session_limit_seconds ?? null,
        ),
      upsertKey: (k) =>
        void s.upsertKey.run(
          k.key_hash,
          k.fingerprint,
          k.account_id,
          k.rate_capacity,
          k.rate_refill_per_second,
          k.name ?? null,
        ),
      upsertSession: (row) => void s.upsertSession.run({ status: 'completed', tags: '[]', ...row }),
      upsertDownload: (r) =>
        s.upsertDownload.run(
          r.id,
          r.session_id,
          r.original_download_url,
          r.origin_url,
          r.suggested_file_name,
          r.original_file_name,
          r.duration,
          r.size,
          r.created_at,
          r.default_created_at,
          r.content_type,
          r.content,
          r.etag,
          r.visible_from,
          r.created_at,
        ).changes === 1,
      rules: this.rules.writer,
      wipe: () =>
        this.db.exec(
          'DELETE FROM downloads; DELETE FROM async_requests; DELETE FROM sessions; DELETE FROM api_keys; ' +
            'DELETE FROM accounts;',
        ),
    };
    try {
      return this.db.transaction(fn)(writer);
    } finally {
      // Bumped even on rollback: a spurious cache miss is harmless, a stale hit is not.
      this.#generation++;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export interface StoreWriter {
  /** Limits left out (null) keep what the account has. */
  insertAccount(id: string, limits?: Partial<AccountLimits>): void;
  upsertKey(row: Omit<ApiKeyRow, 'name'> & { name?: string | null }): void;
  upsertSession(row: SessionUpsert): void;
  /** False when the id belongs to a download of another session (nothing written). */
  upsertDownload(row: DownloadUpsert): boolean;
  rules: SessionRuleWriter;
  wipe(): void;
}
