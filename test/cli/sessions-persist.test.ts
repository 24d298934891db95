import { join } from 'node:path';
import Anchorbrowser from 'anchorbrowser';
import t, { type Test } from 'tap';
import YAML from 'yaml';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { expectVendor } from '../helpers/vendor-contract.js';
import { startCli, type RunningCli } from './spawn-helpers.js';

// Sessions created at run time live in the --db file like fixture data: a
// restart on the same file serves them, their status, pages and downloads;
// POST /_mock/reset goes back to the start-up fixtures.

const KEY = 'ak_persist_acme';
const FIXTURE_SESSION = 'fx-persist';
const CSV = 'month,total\n2025-01,42\n';

const world: FixtureDocument = {
  accounts: [
    {
      id: 'acme',
      api_keys: [KEY],
      sessions: [{ id: FIXTURE_SESSION, created_at: '2025-03-01T00:00:00.000Z', status: 'running' }],
      session_rules: [
        {
          when: { url: 'https://portal.example.com/reports/*' },
          downloads: [
            {
              original_download_url: 'https://portal.example.com/reports/q1.csv',
              origin_url: 'https://portal.example.com/reports/',
              original_file_name: 'q1.csv',
              content: { text: CSV },
            },
          ],
        },
      ],
    },
  ],
};

const sdk = (cli: RunningCli) => new Anchorbrowser({ apiKey: KEY, baseURL: cli.url, logLevel: 'off', maxRetries: 0 });

async function pagesOf(t: Test, cli: RunningCli, id: string): Promise<unknown> {
  const res = await fetch(`${cli.url}/v1/sessions/${id}/pages`, { headers: { 'anchor-api-key': KEY } });
  const body: unknown = await res.json();
  t.equal(res.status, 200);
  expectVendor(t, 'GET', '/v1/sessions/{session_id}/pages', body);
  return body;
}

const statusesOf = async (t: Test, client: Anchorbrowser) => {
  const listed = await client.sessions.all.status();
  expectVendor(t, 'GET', '/v1/sessions/all/status', listed);
  return Object.fromEntries(listed.data!.items!.map((s) => [s.session_id, s.status]));
};

t.test(
  'with --db, created sessions, their status, pages and downloads survive a restart; reset drops them',
  async (t) => {
    const dir = t.testdir({ 'world.yaml': YAML.stringify(world) });
    const args = ['--db', join(dir, 'mock.db'), '--fixtures', join(dir, 'world.yaml'), '--no-rate-limit'];

    const first = await startCli(t, args);
    let client = sdk(first);
    const kept = (await client.sessions.create({ session: { tags: ['kept'], timeout: { idle_timeout: -1 } } })).data!
      .id!;
    const ended = (await client.sessions.create({ session: { tags: ['ended'] } })).data!.id!;
    await client.sessions.goto(kept, { url: 'https://portal.example.com/reports/2025' });
    await client.sessions.delete(ended);
    await client.sessions.delete(FIXTURE_SESSION);
    const pagesBefore = await pagesOf(t, first, kept);
    const downloadsBefore = await client.sessions.retrieveDownloads(kept);
    t.equal(downloadsBefore.data?.count, 1, 'the URL rule gave the session its download');
    t.equal((await first.stop()).code, 0);

    const second = await startCli(t, args);
    client = sdk(second);
    t.same(
      await statusesOf(t, client),
      { [FIXTURE_SESSION]: 'completed', [kept]: 'running', [ended]: 'completed' },
      "statuses as they were, the fixture's own included (its status applies on first insert only)",
    );
    const again = await client.sessions.retrieve(kept);
    expectVendor(t, 'GET', '/v1/sessions/{session_id}', again);
    t.same(again.data?.tags, { 0: 'kept' });
    const moved = JSON.parse(JSON.stringify(pagesBefore).replaceAll(first.url, second.url)) as unknown;
    t.same(await pagesOf(t, second, kept), moved, 'the page the goto opened (frontend_url at the new address)');
    const downloads = await client.sessions.retrieveDownloads(kept);
    expectVendor(t, 'GET', '/v1/sessions/{session_id}/downloads', downloads);
    const item = downloads.data!.items![0]!;
    t.equal(item.id, downloadsBefore.data!.items![0]!.id, 'the same download');
    t.equal(item.file_link?.startsWith(second.url), true, 'its file_link follows the new address');
    const file = await fetch(item.file_link!, { headers: { 'anchor-api-key': KEY } });
    t.equal(await file.text(), CSV);

    await client.sessions.goto(kept, { url: 'https://portal.example.com/reports/2026' });
    t.equal(
      (await client.sessions.retrieveDownloads(kept)).data?.count,
      1,
      'the rule, already applied, applies no more',
    );

    const reset = await fetch(`${second.url}/_mock/reset`, { method: 'POST' });
    t.equal(reset.status, 200);
    await reset.arrayBuffer();
    t.same(await statusesOf(t, client), { [FIXTURE_SESSION]: 'running' }, 'back to the start-up fixtures');
    for (const id of [kept, ended]) {
      const res = await fetch(`${second.url}/v1/sessions/${id}`, { headers: { 'anchor-api-key': KEY } });
      t.equal(res.status, 404, 'a run-time session is gone');
      expectVendor(t, 'GET', '/v1/sessions/{session_id}', await res.json(), 404);
    }
    await client.sessions.goto(FIXTURE_SESSION, { url: 'https://portal.example.com/reports/2027' });
    t.equal((await client.sessions.retrieveDownloads(FIXTURE_SESSION)).data?.count, 1);
    t.equal((await second.stop()).code, 0);

    const third = await startCli(t, args);
    t.same(await statusesOf(t, sdk(third)), { [FIXTURE_SESSION]: 'running' }, 'and the reset is what the file keeps');
    t.match(await pagesOf(t, third, FIXTURE_SESSION), {
      data: { items: [{ url: 'https://portal.example.com/reports/2027' }] },
    });
    const resetAgain = await fetch(`${third.url}/_mock/reset`, { method: 'POST' });
    t.equal(resetAgain.status, 200);
    await resetAgain.arrayBuffer();
    t.match(
      await pagesOf(t, third, FIXTURE_SESSION),
      { data: { items: [{ url: 'about:blank' }] } },
      'reset: a blank tab',
    );
    const none = await sdk(third).sessions.retrieveDownloads(FIXTURE_SESSION);
    expectVendor(t, 'GET', '/v1/sessions/{session_id}/downloads', none);
    t.equal(none.data?.count, 0, "reset drops what the fixture session's rule gave it");
  },
);
