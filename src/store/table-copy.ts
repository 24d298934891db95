import type Database from 'better-sqlite3';

const SCHEMA = 'saved';

/**
 * A copy of every table of a database, kept in an attached in-memory
 * database, to put back in one transaction: going back to it costs two
 * statements per table, not a new load of the rows it was made from.
 */
export class TableCopy {
  readonly #db: Database.Database;
  readonly #restore: Database.Statement[];

  private constructor(db: Database.Database, tables: readonly string[]) {
    this.#db = db;
    const quoted = tables.map((name) => `"${name.replace(/"/g, '""')}"`);
    this.#restore = [
      ...quoted.map((name) => db.prepare(`DELETE FROM main.${name}`)),
      ...quoted.map((name) => db.prepare(`INSERT INTO main.${name} SELECT * FROM ${SCHEMA}.${name}`)),
    ];
  }

  /**
   * Copies the tables as they are now; undefined when the database holds more
   * than `maxBytes` (a copy would double it) or is inside a transaction.
   */
  static take(db: Database.Database, maxBytes: number): TableCopy | undefined {
    if (db.inTransaction) return undefined;
    // Pages in use: those freed by deletes stay in the count until a VACUUM.
    const pages =
      (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    if (pages * pageSize > maxBytes) return undefined;
    const tables = (
      db
        .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        .all() as { name: string }[]
    ).map((row) => row.name);
    db.exec(`ATTACH DATABASE ':memory:' AS ${SCHEMA}`);
    try {
      db.transaction(() => {
        for (const name of tables) {
          const q = `"${name.replace(/"/g, '""')}"`;
          db.exec(`CREATE TABLE ${SCHEMA}.${q} AS SELECT * FROM main.${q}`);
        }
      })();
      return new TableCopy(db, tables);
    } catch (err) {
      db.exec(`DETACH DATABASE ${SCHEMA}`);
      throw err;
    }
  }

  /**
   * Puts every table back as it was copied. Run it inside a write: foreign
   * keys are checked at its commit, when every table is whole again.
   */
  restore(): void {
    this.#db.pragma('defer_foreign_keys = ON');
    for (const statement of this.#restore) statement.run();
  }
}
