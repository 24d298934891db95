import Database from 'better-sqlite3';

/** Runs the migrations after `from`, each in a transaction with its version. */
export function migrate(db: Database.Database, from: number, migrations: readonly string[]): void {
  for (let v = from; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** The schema every migration leaves, as SQL, by the migrations that made it. */
const finalSchemas = new WeakMap<readonly string[], string>();

/**
 * The CREATE statements of a database with every migration applied, in the
 * order SQLite keeps them: a new in-memory store runs these once instead of
 * every migration in turn. (Not a serialized copy: SQLite caps a database
 * opened from one at 1 GiB, and a plain in-memory one has no cap.)
 */
export function finalSchema(migrations: readonly string[]): string {
  let schema = finalSchemas.get(migrations);
  if (schema !== undefined) return schema;
  const db = new Database(':memory:');
  try {
    migrate(db, 0, migrations);
    const rows = db
      .prepare<[], { sql: string }>(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
      )
      .all();
    schema = rows.map((row) => `${row.sql};`).join('\n');
  } finally {
    db.close();
  }
  finalSchemas.set(migrations, schema);
  return schema;
}
