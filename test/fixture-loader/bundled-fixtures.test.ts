import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { hashKey } from '../../src/domain/api-keys.js';
import { loadFixtures, readFixtureFiles } from '../../src/fixture-loader/fixture-loader.js';
import { openStore, T0 } from './documents-and-store.js';

// The fixtures shipped in fixtures/, which the CLI serves by default.

const BUNDLED_FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));

t.test('the bundled default fixtures load without problems', async (t) => {
  const store = openStore(t);
  const sources = readFixtureFiles([BUNDLED_FIXTURES]);
  t.ok(sources.length >= 1);
  loadFixtures(store, sources, { now: T0 });

  const counts = store.counts();
  t.ok(counts.length >= 2, 'at least two accounts');
  t.ok(
    ['acme', 'globex'].every((id) => counts.some((account) => account.id === id)),
    'acme and globex among them',
  );
  t.equal(store.findKey(hashKey('ak_acme_main'))?.account_id, 'acme');
  t.equal(store.findKey(hashKey('ak_globex_main'))?.account_id, 'globex');
  t.match(store.findKey(hashKey('ak_acme_throttled')), {
    account_id: 'acme',
    rate_capacity: 2,
    rate_refill_per_second: 0.5,
  });

  const sessions = store.db
    .prepare<[], { id: string }>('SELECT id FROM sessions')
    .all()
    .map((s) => store.listDownloads(s.id));
  const big = sessions.find((list) => list.length >= 10);
  t.ok(big, 'a session with about ten downloads');
  t.ok(
    big!.some((d) => d.size === 0),
    'one of them is empty',
  );
  t.ok(
    big!.some((d) => /[^\x20-\x7e]/.test(d.original_file_name)),
    'one has a non-ASCII name',
  );
  t.ok(
    sessions.some((list) => list.length === 0),
    'a session with no downloads',
  );

  for (const list of sessions) {
    for (const d of list) {
      const row = store.findDownload(d.id)!;
      if (row.content) t.equal(row.content.length, row.size, `${d.original_file_name}: size matches the bytes`);
    }
  }
});

t.test('the bundled fixture files are read from disk byte for byte', async (t) => {
  const store = openStore(t);
  loadFixtures(store, readFixtureFiles([BUNDLED_FIXTURES]), { now: T0 });
  const invoice = store.findDownload('d733d306-a0fb-408b-9eb2-cdefc76da383')!;
  t.ok(invoice.content!.equals(readFileSync(join(BUNDLED_FIXTURES, 'files', 'invoice-2025-0117.pdf'))));
  t.equal(invoice.content_type, 'application/pdf');
});
