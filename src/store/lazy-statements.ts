import type Database from 'better-sqlite3';

/** What the store runs of a prepared statement. */
export interface Query<P extends unknown[], R> {
  run(...params: P): Database.RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

type QueryOf<P, R> = P extends unknown[] ? Query<P, R> : Query<[P], R>;

/**
 * `db.prepare` compiled on a statement's first run instead of when the store
 * opens: a start compiles only the SQL it runs, not the sixty-odd statements
 * a store holds. After that first run, its methods are the statement's own.
 */
export function preparer(db: Database.Database) {
  return function prepare<P extends unknown[] | object = unknown[], R = unknown>(source: string): QueryOf<P, R> {
    type Statement = Database.Statement<unknown[], R>;
    const query = {
      run: (...params: unknown[]) => compile().run(...params),
      get: (...params: unknown[]) => compile().get(...params),
      all: (...params: unknown[]) => compile().all(...params),
    };
    function compile(): Statement {
      const statement = db.prepare(source) as Statement;
      query.run = statement.run.bind(statement);
      query.get = statement.get.bind(statement);
      query.all = statement.all.bind(statement);
      return statement;
    }
    return query as unknown as QueryOf<P, R>;
  };
}
