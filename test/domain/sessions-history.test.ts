import t from 'tap';
import type { HistoryPage } from '../../src/domain/sessions/session-service.js';
import { buildSessionsWorld } from '../helpers/sessions.js';

/** acme's two fixture sessions, then 25 created a second apart, every fifth tagged Invoices-2025. */
function world(t: Parameters<typeof buildSessionsWorld>[0]) {
  const w = buildSessionsWorld(t);
  const ids: string[] = [];
  for (let i = 0; i < 25; i++) {
    w.clock.advance(1000);
    const tags = i % 5 === 0 ? ['Invoices-2025', `n${i}`] : [`n${i}`];
    const r = w.mock.sessions.create(
      { id: 'acme', keyName: i < 10 ? 'b-key' : 'a-key' },
      { session: { tags } },
      w.clock.now(),
    );
    if (!('session' in r)) throw new Error('refused');
    ids.push(r.session.id);
  }
  const page = (q: Record<string, unknown>) => w.mock.sessions.history('acme', q, w.clock.now()) as HistoryPage;
  return { ...w, ids, page };
}

t.test('pages of 10 by default, oldest first, with the total and the number of pages', async (t) => {
  const { ids, page } = world(t);
  const first = page({});
  t.equal(first.total, 27);
  t.equal(first.totalPages, 3);
  t.equal(first.page, 1);
  t.same(
    first.sessions.map((s) => s.id),
    ['fx-done', 'fx-live', ...ids.slice(0, 8)],
  );
  t.same(
    page({ page: 3 }).sessions.map((s) => s.id),
    ids.slice(18),
  );
  t.same(page({ page: '4' }).sessions, [], 'past the end: an empty page');
  t.equal(page({ limit: 50 }).sessions.length, 27);
  t.equal(page({ limit: '20' }).totalPages, 2);
});

t.test('sorting: by created_at descending, by api_key_name, by session_id', async (t) => {
  const { ids, page } = world(t);
  t.same(
    page({ sort_order: 'desc', limit: 10 }).sessions.map((s) => s.id),
    ids.slice(15).reverse(),
  );
  const byKey = page({ sort_by: 'api_key_name', limit: 50 }).sessions;
  t.same(
    byKey.map((s) => s.apiKeyName),
    [null, null, ...Array(15).fill('a-key'), ...Array(10).fill('b-key')],
  );
  t.same(
    byKey.slice(2, 17).map((s) => s.id),
    ids.slice(10),
    'ties keep creation order',
  );
  const byId = page({ sort_by: 'session_id', limit: 50 }).sessions.map((s) => s.id);
  t.same(byId, [...byId].sort());
});

t.test('filters: status, tags, search, created range', async (t) => {
  const { ids, page, mock, clock } = world(t);
  mock.sessions.end('acme', ids[0]!, clock.now());
  t.same(
    page({ status: 'completed', limit: 50 }).sessions.map((s) => s.id),
    ['fx-done', ids[0]],
  );
  t.equal(page({ status: 'running', limit: 50 }).total, 25);
  t.same(
    page({ tags: 'Invoices-2025,n5' }).sessions.map((s) => s.id),
    [ids[5]],
    'all the tags, exactly',
  );
  t.equal(page({ tags: 'invoices-2025' }).total, 0, 'tags are case-sensitive');
  t.equal(page({ search: 'voices-20' }).total, 5, 'search: partial and case-insensitive');
  t.equal(page({ search: 'VOICES-20,live' }).total, 6, 'any of the terms');
  t.equal(page({ created_from: new Date(clock.now() - 4000).toISOString() }).total, 5);
});

t.test('what the document does not allow is a message for its 400', async (t) => {
  const { mock, clock } = world(t);
  const history = (q: Record<string, unknown>) => mock.sessions.history('acme', q, clock.now());
  t.equal(history({ limit: 15 }), 'limit must be one of 10, 20, 50');
  t.equal(history({ page: 0 }), 'page must be an integer >= 1');
  t.match(history({ sort_by: 'colour' }), /^sort_by must be one of created_at, session_id, used_credits, api_key_name/);
  t.equal(history({ sort_order: 'up' }), 'sort_order must be asc or desc');
});

t.test("another account's sessions never appear", async (t) => {
  const { mock, clock } = world(t);
  const globex = mock.sessions.history('globex', {}, clock.now()) as HistoryPage;
  t.same(
    globex.sessions.map((s) => s.id),
    ['gx-1'],
  );
});
