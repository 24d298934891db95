import Database from 'better-sqlite3';
import { migrations as defaultMigrations } from './migrations.js';

export interface ApiKeyRow {
  key_hash: string;
  fingerprint: string;
  account_id: string;
  rate_capacity: number | null;
  rate_refill_per_second: number | null;
}

export interface SessionRow {
  id: string;
  account_id: string;
  created_at: number;
}

export interface DownloadRow {
  id: string;
  session_id: string;
  original_download_url: string;
  origin_url: string;
  suggested_file_name: string;
  original_file_name: string;
  duration: number;
  size: number;
  created_at: number;
  content_type: string;
  etag: string;
}

export interface DownloadWithContent extends DownloadRow {
  content: Buffer | null;
}

export type DownloadUpsert = Omit<DownloadWithContent, 'created_at'> & { created_at: number | null; default_created_at: number };
// In statement order; created_at comes again for the DO UPDATE clause.
type DownloadParams = [
  string, string, string, string, string, string, number, number, number | null, number, string, Buffer | null, string, number | null,
];

export interface AccountCounts {
  id: string;
  api_keys: number;
  sessions: number;
  downloads: number;
}

export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
}

export interface StoreOptions {
  /** A file path, or ':memory:'. */
  path: string;
  /** For tests of the upgrade path; the shipped list otherwise. */
  migrations?: readonly string[];
}

/**
 * The SQLite store: schema, migrations and every prepared statement the
 * mock runs. Knows nothing of HTTP. `generation` grows on every committed
 * write, so callers can cache reads and know when to drop them.
 */
export class Store {
  readonly db: Database.Database;
  readonly path: string;
  #generation = 0;
  readonly #stmts;

  constructor(options: StoreOptions) {
    this.path = options.path;
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
      if (options.path !== ':memory:') this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      this.#migrate(version, migrations);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.#stmts = this.#prepare();
  }

  #migrate(from: number, migrations: readonly string[]): void {
    for (let v = from; v < migrations.length; v++) {
      this.db.transaction(() => {
        this.db.exec(migrations[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  #prepare() {
    const db = this.db;
    return {
      keyByHash: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE key_hash = ?'),
      sessionById: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
      downloadsBySession: db.prepare<[string], DownloadRow>(
        `SELECT id, session_id, original_download_url, origin_url, suggested_file_name, original_file_name,
                duration, size, created_at, content_type, etag
           FROM downloads WHERE session_id = ? ORDER BY created_at, id`,
      ),
      downloadById: db.prepare<[string], DownloadWithContent>('SELECT * FROM downloads WHERE id = ?'),
      downloadOwner: db.prepare<[string], { session_id: string }>('SELECT session_id FROM downloads WHERE id = ?'),
      accountExists: db.prepare<[string], { id: string }>('SELECT id FROM accounts WHERE id = ?'),
      insertAccount: db.prepare<[string]>('INSERT INTO accounts (id) VALUES (?) ON CONFLICT (id) DO NOTHING'),
      upsertKey: db.prepare<[string, string, string, number | null, number | null]>(
        `INSERT INTO api_keys (key_hash, fingerprint, account_id, rate_capacity, rate_refill_per_second)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key_hash) DO UPDATE SET
           rate_capacity = excluded.rate_capacity,
           rate_refill_per_second = excluded.rate_refill_per_second`,
      ),
      // created_at: the given one, else kept from the first insert.
      upsertSession: db.prepare<{ id: string; account_id: string; created_at: number | null; default_created_at: number }>(
        `INSERT INTO sessions (id, account_id, created_at)
         VALUES (@id, @account_id, COALESCE(@created_at, @default_created_at))
         ON CONFLICT (id) DO UPDATE SET created_at = COALESCE(@created_at, sessions.created_at)`,
      ),
      // Positional parameters (faster to bind than named ones, which matters
      // at 100k rows). The WHERE keeps a download from moving to another
      // session: such a row reports 0 changes.
      upsertDownload: db.prepare<DownloadParams>(
        `INSERT INTO downloads (id, session_id, original_download_url, origin_url, suggested_file_name,
                                original_file_name, duration, size, created_at, content_type, content, etag)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, ?), ?, ?, ?)
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
           etag = excluded.etag
         WHERE downloads.session_id = excluded.session_id`,
      ),
      counts: db.prepare<[], AccountCounts>(
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

  accountExists(id: string): boolean {
    return this.#stmts.accountExists.get(id) !== undefined;
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
      insertAccount: (id) => void s.insertAccount.run(id),
      upsertKey: (k) => void s.upsertKey.run(k.key_hash, k.fingerprint, k.account_id, k.rate_capacity, k.rate_refill_per_second),
      upsertSession: (row) => void s.upsertSession.run(row),
      upsertDownload: (r) =>
        s.upsertDownload.run(
          r.id, r.session_id, r.original_download_url, r.origin_url, r.suggested_file_name, r.original_file_name,
          r.duration, r.size, r.created_at, r.default_created_at, r.content_type, r.content, r.etag, r.created_at,
        ).changes === 1,
      wipe: () => this.db.exec('DELETE FROM downloads; DELETE FROM sessions; DELETE FROM api_keys; DELETE FROM accounts;'),
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
  insertAccount(id: string): void;
  upsertKey(row: ApiKeyRow): void;
  upsertSession(row: { id: string; account_id: string; created_at: number | null; default_created_at: number }): void;
  /** False when the id belongs to a download of another session (nothing written). */
  upsertDownload(row: DownloadUpsert): boolean;
  wipe(): void;
}
