/**
 * Forward-only schema migrations. Migration i (0-based) takes a database from
 * `PRAGMA user_version` i to i + 1. Append; never edit one that has shipped.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY
  ) STRICT;

  CREATE TABLE api_keys (
    key_hash TEXT PRIMARY KEY,            -- hex SHA-256 of the key; the key itself is never stored
    fingerprint TEXT NOT NULL,            -- first 4 characters + a short hash, for logs and the journal
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    rate_capacity INTEGER,                -- NULL: the server's default limit
    rate_refill_per_second REAL
  ) STRICT;
  CREATE INDEX api_keys_by_account ON api_keys(account_id);

  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL           -- epoch milliseconds
  ) STRICT;
  CREATE INDEX sessions_by_account ON sessions(account_id);

  CREATE TABLE downloads (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    original_download_url TEXT NOT NULL,
    origin_url TEXT NOT NULL,
    suggested_file_name TEXT NOT NULL,
    original_file_name TEXT NOT NULL,
    duration INTEGER NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,          -- epoch milliseconds
    content_type TEXT NOT NULL,
    content BLOB,                         -- NULL: bytes are generated from id and size when served
    etag TEXT NOT NULL
  ) STRICT;
  CREATE INDEX downloads_by_session ON downloads(session_id, created_at, id);
  `,
];
