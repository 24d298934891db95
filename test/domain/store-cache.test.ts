import t from 'tap';
import { StoreCache } from '../../src/domain/store-cache.js';
import { Store } from '../../src/store/store.js';

t.test('a value is computed once per store generation, and again after a write', async (t) => {
  const store = new Store({ path: ':memory:' });
  t.teardown(() => store.close());
  const computed: string[] = [];
  const cache = new StoreCache(store, (key) => {
    computed.push(key);
    return store.counts().some((account) => account.id === key) ? key.toUpperCase() : null;
  });
  t.equal(cache.get('acme'), null, 'not there (and that is cached too)');
  t.equal(cache.get('acme'), null);
  t.same(computed, ['acme']);
  store.write((w) => w.insertAccount('acme'));
  t.equal(cache.get('acme'), 'ACME', 'a write makes it read the store again');
  t.same(computed, ['acme', 'acme']);
  cache.clear();
  t.equal(cache.get('acme'), 'ACME');
  t.same(computed, ['acme', 'acme', 'acme'], 'clear() forgets too');
});

t.test('a value keep refuses is answered but read again next time; past the limit it starts over', async (t) => {
  const store = new Store({ path: ':memory:' });
  t.teardown(() => store.close());
  let reads = 0;
  const cache = new StoreCache(
    store,
    (key) => {
      reads++;
      return key;
    },
    { limit: 2, keep: (value) => value !== 'big' },
  );
  cache.get('big');
  cache.get('big');
  t.equal(reads, 2, 'never kept');
  cache.get('a');
  cache.get('b');
  cache.get('a');
  t.equal(reads, 4, 'a and b kept');
  cache.get('c'); // the third entry: the cache starts over with it
  cache.get('a');
  t.equal(reads, 6, 'a was dropped when the limit was reached');
});
