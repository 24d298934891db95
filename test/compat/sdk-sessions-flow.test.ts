import type { Test } from 'tap';
import t from 'tap';
import Anchorbrowser from 'anchorbrowser';
import { startMockServer, type FixtureDocument, type MockServer } from '../../src/index.js';
import { T0 } from '../helpers/app.js';
import { expectVendor } from '../helpers/vendor-contract.js';

// The flow an application runs with the official SDK, over real HTTP: create a
// session with tags, drive it, poll its downloads while the mock clock moves,
// fetch the file, end the session, and read what it left behind.

const KEY = 'ak_flow_acme';
const PDF_TEXT = '%PDF-1.4 invoice 2025-01 — total 42 €\n';

const world: FixtureDocument = {
  accounts: [
    {
      id: 'acme',
      api_keys: [KEY],
      session_rules: [
        {
          when: { tags: ['invoices'] },
          downloads: [
            {
              original_download_url: 'https://portal.example.com/export/2025-01.pdf',
              origin_url: 'https://portal.example.com/export/',
              original_file_name: '2025-01.pdf',
              content: { text: PDF_TEXT },
              after_ms: 1500,
            },
          ],
        },
      ],
    },
  ],
};

async function startFlowMock(t: Test): Promise<{ mock: MockServer; client: Anchorbrowser }> {
  const mock = await startMockServer({ fixtures: [world], rateLimit: false, clock: { mode: 'manual', now: T0 } });
  t.teardown(() => mock.close());
  const client = new Anchorbrowser({ apiKey: KEY, baseURL: mock.url, logLevel: 'off', maxRetries: 0 });
  return { mock, client };
}

const advance = (mock: MockServer, ms: number) =>
  fetch(`${mock.url}/_mock/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_ms: ms }),
  });

t.test('create with tags, goto, poll downloads on the clock, fetch the file, delete, read what is left', async (t) => {
  const { mock, client } = await startFlowMock(t);

  const created = await client.sessions.create({
    session: { tags: ['invoices'], timeout: { idle_timeout: 10, max_duration: 30 } },
    browser: { viewport: { width: 1280, height: 720 } },
  });
  expectVendor(t, 'POST', '/v1/sessions', created);
  const id = created.data!.id!;
  t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a v4 UUID');

  const moved = await client.sessions.goto(id, { url: 'https://portal.example.com/export/' });
  expectVendor(t, 'POST', '/v1/sessions/{sessionId}/goto', moved);
  t.same(moved, { status: 'success' });

  // The rule's download is due 1.5 s after the create: poll as application code does.
  let items: NonNullable<NonNullable<Awaited<ReturnType<typeof client.sessions.retrieveDownloads>>['data']>['items']> =
    [];
  let polls = 0;
  while (items.length === 0 && polls < 10) {
    const listed = await client.sessions.retrieveDownloads(id);
    expectVendor(t, 'GET', '/v1/sessions/{session_id}/downloads', listed);
    items = listed.data?.items ?? [];
    polls += 1;
    if (items.length === 0) t.equal((await advance(mock, 500)).status, 200, 'the clock moves');
  }
  t.equal(polls, 4, 'listed on the poll after the clock passed 1.5 s, not before');
  t.equal(items.length, 1);
  const [item] = items;
  t.match(item, {
    original_file_name: '2025-01.pdf',
    original_download_url: 'https://portal.example.com/export/2025-01.pdf',
    size: Buffer.byteLength(PDF_TEXT),
    created_at: new Date(T0 + 1500).toISOString(),
  });

  const file = await fetch(item!.file_link!, { headers: { 'anchor-api-key': KEY } });
  t.equal(file.status, 200);
  t.equal(Buffer.from(await file.arrayBuffer()).toString('utf8'), PDF_TEXT, 'the bytes of the rule content');

  const ended = await client.sessions.delete(id);
  expectVendor(t, 'DELETE', '/v1/sessions/{session_id}', ended);

  const status = await client.sessions.all.status();
  expectVendor(t, 'GET', '/v1/sessions/all/status', status);
  t.same(
    status.data?.items?.map((s) => [s.session_id, s.status]),
    [[id, 'completed']],
    'all.status shows it ended',
  );

  const retrieved = await client.sessions.retrieve(id);
  expectVendor(t, 'GET', '/v1/sessions/{session_id}', retrieved);
  t.equal(retrieved.data?.status, 'completed');
  t.equal(retrieved.data?.duration, 1, 'duration (whole seconds) stopped at the delete, 1.5 s in');

  await advance(mock, 60_000);
  const after = await client.sessions.retrieveDownloads(id);
  expectVendor(t, 'GET', '/v1/sessions/{session_id}/downloads', after);
  t.same(after.data?.items, items, 'its downloads are still listed after it ended');
  const again = await fetch(item!.file_link!, { headers: { 'anchor-api-key': KEY } });
  t.equal(Buffer.from(await again.arrayBuffer()).toString('utf8'), PDF_TEXT, 'and still served');
});

t.test('a session created without the tags gets none of the rule downloads', async (t) => {
  const { mock, client } = await startFlowMock(t);
  const created = await client.sessions.create({ session: { tags: ['reports'] } });
  const id = created.data!.id!;
  await advance(mock, 10_000);
  const listed = await client.sessions.retrieveDownloads(id);
  expectVendor(t, 'GET', '/v1/sessions/{session_id}/downloads', listed);
  t.equal(listed.data?.count, 0);
});

t.test("a control's request body is in the journal, as the SDK sent it", async (t) => {
  const { mock, client } = await startFlowMock(t);
  const id = (await client.sessions.create({})).data!.id!;
  await client.sessions.keyboard.type(id, { text: 'hello from the SDK', delay: 5 });
  const res = await fetch(`${mock.url}/_mock/requests?method=POST&path=/v1/sessions/*/keyboard/type`);
  t.equal(res.status, 200);
  const journal = (await res.json()) as { data: { items: { path: string; body: unknown }[] } };
  t.match(journal.data.items, [{ path: `/v1/sessions/${id}/keyboard/type`, body: { text: 'hello from the SDK' } }]);
});

t.test(
  'polling retrieveDownloads is activity: the session does not idle out while code waits for a file',
  async (t) => {
    const { mock, client } = await startFlowMock(t);
    const id = (await client.sessions.create({ session: { timeout: { idle_timeout: 1, max_duration: -1 } } })).data!
      .id!;
    for (let poll = 0; poll < 5; poll += 1) {
      mock.clock.advance(50_000);
      const listed = await client.sessions.retrieveDownloads(id);
      expectVendor(t, 'GET', '/v1/sessions/{session_id}/downloads', listed);
    }
    const polled = await client.sessions.retrieve(id);
    expectVendor(t, 'GET', '/v1/sessions/{session_id}', polled);
    t.equal(
      polled.data?.status,
      'running',
      'still running after 250 s of polls 50 s apart, with a 1-minute idle timeout',
    );
    mock.clock.advance(60_000);
    t.equal((await client.sessions.retrieve(id)).data?.status, 'completed', 'a minute without any poll ends it');
  },
);
