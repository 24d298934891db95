import Database from 'better-sqlite3';
import t from 'tap';
import { preparer } from '../../src/store/lazy-statements.js';

t.test('a statement is compiled on its first run, not when it is declared', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  const prepare = preparer(db);
  const broken = prepare('SELECT * FROM no_such_table');
  t.throws(() => broken.all(), /no such table/, 'the SQL is compiled at the first run');
  db.exec('CREATE TABLE no_such_table (x)');
  t.same(broken.all(), [], 'a statement that failed to compile is compiled again at its next run');
});

t.test('run, get and all answer as the prepared statement does, positional and named', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)');
  const prepare = preparer(db);
  const insert = prepare<[string, number]>('INSERT INTO t (id, n) VALUES (?, ?)');
  const named = prepare<{ id: string; n: number }>('INSERT INTO t (id, n) VALUES (@id, @n)');
  const byId = prepare<[string], { id: string; n: number }>('SELECT * FROM t WHERE id = ?');
  const all = prepare<[], { id: string; n: number }>('SELECT * FROM t ORDER BY id');
  t.equal(insert.run('a', 1).changes, 1);
  t.equal(insert.run('b', 2).changes, 1, 'a second run, on the compiled statement');
  t.equal(named.run({ id: 'c', n: 3 }).changes, 1);
  t.same(byId.get('b'), { id: 'b', n: 2 });
  t.equal(byId.get('z'), undefined);
  t.same(all.all(), [
    { id: 'a', n: 1 },
    { id: 'b', n: 2 },
    { id: 'c', n: 3 },
  ]);
});
