import t from 'tap';
import { migrations } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';

// In-memory stores open a copy of an empty database migrated once per process.

t.test('in-memory stores are copies: what one writes, another never sees', async (t) => {
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

t.test('a store with other migrations gets a copy of its own schema', async (t) => {
  const own = [...migrations, 'CREATE TABLE extra (x INTEGER);'];
  const store = new Store({ path: ':memory:', migrations: own });
  const usual = new Store({ path: ':memory:' });
  t.teardown(() => (store.close(), usual.close()));
  t.equal(store.db.pragma('user_version', { simple: true }), migrations.length + 1);
  t.ok(store.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'extra'").get(), 'its own table');
  t.notOk(usual.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'extra'").get(), 'not in the usual copy');
});
