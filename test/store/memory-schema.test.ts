import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { migrations } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';

// In-memory stores run the schema the migrations leave, worked out once per process.

t.test('in-memory stores are independent: what one writes, another never sees', async (t) => {
  const a = new Store({ path: ':memory:' });
  const b = new Store({ path: ':memory:' });
  t.teardown(() => (a.close(), b.close()));
  a.write((w) => w.insertAccount('acme'));
  t.same(
    a.counts().map((c) => c.id),
    ['acme'],
  );
  t.same(b.counts(), [], 'the second store is still empty');
  const c = new Store({ path: ':memory:' });
  t.teardown(() => c.close());
  t.same(c.counts(), [], 'a store opened after a write starts empty too');
  for (const store of [a, b, c]) {
    t.equal(store.db.pragma('user_version', { simple: true }), migrations.length);
    t.equal(store.db.pragma('page_size', { simple: true }), 16384);
    t.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  }
});

t.test('a store with other migrations gets its own schema', async (t) => {
  const own = [...migrations, 'CREATE TABLE extra (x INTEGER);'];
  const store = new Store({ path: ':memory:', migrations: own });
  const usual = new Store({ path: ':memory:' });
  t.teardown(() => (store.close(), usual.close()));
  t.equal(store.db.pragma('user_version', { simple: true }), migrations.length + 1);
  t.ok(store.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'extra'").get(), 'its own table');
  t.notOk(usual.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'extra'").get(), 'not in the usual copy');
});

t.test('an in-memory store has exactly the schema the migrations give a database file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'abm-schema-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = new Store({ path: join(dir, 'mock.db') });
  const memory = new Store({ path: ':memory:' });
  t.teardown(() => (file.close(), memory.close()));
  const schema = (store: Store) =>
    store.db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all();
  t.ok(schema(file).length > 20, 'tables and indexes');
  t.same(schema(memory), schema(file));
});
