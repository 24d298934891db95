import t from 'tap';
import { MAX_DOWNLOAD_BYTES, MAX_ROWS } from '../../src/schemas/fixture-schema.js';
import { dl, load, oneSession, openStore, problemsOf } from './documents-and-store.js';

// What a fixture may hold at most: bytes per download and rows per document.

t.test('limits: a download may hold at most 64 MiB, and a document at most so many rows', async (t) => {
  const store = openStore(t);
  const tooBig = problemsOf(t, () => load(store, oneSession([dl({ size: MAX_DOWNLOAD_BYTES + 1 })])));
  t.same(
    tooBig.map((p) => p.path),
    ['accounts[0].sessions[0].downloads[0].size'],
  );
  t.match(tooBig[0]?.message, /at most 67108864 bytes/);

  const accounts = Array.from({ length: MAX_ROWS.accounts + 1 }, (_, i) => ({ id: `a${i}` }));
  const tooMany = problemsOf(t, () => load(store, { accounts }));
  t.same(
    tooMany.map((p) => [p.path, p.message]),
    [['accounts', 'must have at most 10,000 items']],
  );
  t.equal(store.counts().length, 0, 'nothing was loaded');
});

t.test('inline content larger than a download may hold is refused', async (t) => {
  const store = openStore(t);
  const huge = 'x'.repeat(MAX_DOWNLOAD_BYTES + 1);
  const problems = problemsOf(t, () => load(store, oneSession([dl({ size: undefined, content: { text: huge } })])));
  t.same(
    problems.map((p) => p.path),
    ['accounts[0].sessions[0].downloads[0].content'],
  );
  t.match(problems[0]?.message, /at most 67108864/);
});
