import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { FixtureDocument, MockServer } from '../../src/index.js';
import { Store } from '../../src/store/store.js';
import { expectContract, smallWorld } from '../helpers/app.js';
import { vendorProblems } from '../helpers/vendor-contract.js';
import { call, keyHeader, startTestMock } from '../admin/live-mock.js';

// reset(): the first one reloads the start-up fixtures; later ones put back a
// copy of every table as the first one left them. Both must give the same store.

const withRules: FixtureDocument = {
  accounts: [
    {
      ...smallWorld.accounts![0]!,
      session_rules: [
        {
          when: { tags: ['invoices'] },
          downloads: [
            {
              original_download_url: 'https://e.example/i.pdf',
              origin_url: 'https://e.example/',
              original_file_name: 'i.pdf',
              size: 100,
              after_ms: 1500,
            },
          ],
        },
      ],
    },
    ...smallWorld.accounts!.slice(1),
  ],
};

/** Every row of every table, in a stable order. */
function dump(mock: MockServer): Record<string, unknown[]> {
  const { db } = mock.app.mock.store;
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  return Object.fromEntries(
    tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()]),
  );
}

/** Leaves something in as many tables as the API reaches. */
async function useEverything(t: Test, mock: MockServer): Promise<void> {
  const created = await call(mock, '/v1/sessions', {
    method: 'POST',
    headers: keyHeader,
    body: { session: { tags: ['invoices'], initial_url: 'https://e.example/start' } },
  });
  const body = JSON.parse(created.body) as unknown;
  t.same(vendorProblems('POST', '/v1/sessions', created.statusCode, body, { closed: true }), []);
  const id = (JSON.parse(created.body) as { data: { id: string } }).data.id;
  const steps: Array<[string, string, unknown]> = [
    ['POST', `/v1/sessions/${id}/goto`, { url: 'https://e.example/next' }],
    ['POST', `/v1/sessions/${id}/clipboard`, { text: 'copied' }],
    ['POST', `/v1/sessions/${id}/mouse/click`, { x: 1, y: 2 }],
    ['POST', '/v1/sessions/async', {}],
  ];
  for (const [method, path, body] of steps) {
    const res = await call(mock, path, { method, headers: keyHeader, body });
    t.ok(res.statusCode < 300, `${method} ${path}: ${res.statusCode}`);
  }
  mock.clock.advance(2000);
  await mock.seed({ accounts: [{ id: 'seeded', api_keys: ['ak_test_seeded'] }] });
}

t.test('every reset leaves the store as the first one did, whatever happened in between', async (t) => {
  const mock = await startTestMock(t, { fixtures: [withRules] });
  await useEverything(t, mock);
  const first = await mock.reset();
  const reference = dump(mock);
  t.ok(reference.sessions!.length > 0 && reference.session_rules!.length > 0, 'the fixtures are loaded');
  for (let round = 0; round < 3; round++) {
    await useEverything(t, mock);
    t.notSame(dump(mock), reference, `round ${round}: the API changed the store`);
    const again = await mock.reset();
    t.same(again, first, `round ${round}: the same summary`);
    t.same(dump(mock), reference, `round ${round}: the same rows in every table`);
  }
  await mock.wipe();
  await mock.reset();
  t.same(dump(mock), reference, 'after wipe too');
  const list = await call(mock, '/v1/sessions/sess-1/downloads', { headers: keyHeader });
  expectContract(t, list, 200);
});

t.test('the summary reset returns is the caller’s own to change', async (t) => {
  const mock = await startTestMock(t);
  await mock.reset();
  const second = await mock.reset();
  second.totals.accounts = 99;
  t.equal((await mock.reset()).totals.accounts, 2);
});

t.test('a database file, or an in-memory store over the limit, keeps no copy', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'abm-reset-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = new Store({ path: join(dir, 'mock.db') });
  const memory = new Store({ path: ':memory:' });
  t.teardown(() => (file.close(), memory.close()));
  t.equal(file.copyTables(1 << 30), undefined, 'a file reloads its fixtures at every reset');
  t.equal(memory.copyTables(1), undefined, 'over the limit');
  t.ok(memory.copyTables(1 << 30), 'in memory, within the limit');
});

t.test('space freed by deletes does not count against the copy limit', async (t) => {
  const memory = new Store({ path: ':memory:' });
  t.teardown(() => memory.close());
  memory.db.exec('CREATE TABLE scratch (b BLOB)');
  const insert = memory.db.prepare('INSERT INTO scratch VALUES (zeroblob(65536))');
  for (let i = 0; i < 64; i++) insert.run();
  memory.db.exec('DELETE FROM scratch');
  t.ok((memory.db.pragma('freelist_count', { simple: true }) as number) > 0, 'the deleted pages are free');
  t.ok(memory.copyTables(1024 * 1024), 'a copy of what is in use, under 1 MB');
});
