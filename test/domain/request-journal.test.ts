import t from 'tap';
import { RequestJournal, type JournalEntry, type JournalRecord } from '../../src/domain/request-journal.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** A record for session `sessionId` answered `status`, `secondsLater` after T0. */
function record(sessionId: string | null, status = 200, secondsLater = 0): JournalRecord {
  return {
    timeMs: T0 + secondsLater * 1000,
    method: 'GET',
    path: sessionId === null ? '/nowhere' : `/v1/sessions/${sessionId}/downloads`,
    session_id: sessionId,
    status,
    duration_ms: 1.5,
    response_bytes: 42,
    key_fingerprint: 'ak_t…01234567',
    forced: false,
    fault_id: null,
    body: null,
  };
}

const sessions = (entries: JournalEntry[]) => entries.map((e) => e.session_id);

t.test('entries are listed oldest first, with increasing ids and the time as ISO 8601', async (t) => {
  const journal = new RequestJournal(10);
  journal.add(record('s1', 200, 0));
  journal.add(record('s2', 404, 1.5));
  const [first, second] = journal.list();
  t.same(first, {
    id: first!.id,
    time: '2026-01-01T00:00:00.000Z',
    method: 'GET',
    path: '/v1/sessions/s1/downloads',
    session_id: 's1',
    status: 200,
    duration_ms: 1.5,
    response_bytes: 42,
    key_fingerprint: 'ak_t…01234567',
    forced: false,
    fault_id: null,
    content_type: null,
    body: null,
    body_truncated: false,
  });
  t.match(second, { session_id: 's2', status: 404, time: '2026-01-01T00:00:01.500Z' });
  t.ok(second!.id > first!.id);
  t.equal(journal.list().length, 2);
});

t.test('a full journal drops its oldest entries first', async (t) => {
  const journal = new RequestJournal(3);
  for (const s of ['a', 'b', 'c', 'd', 'e']) journal.add(record(s));
  t.equal(journal.list().length, 3);
  t.same(sessions(journal.list()), ['c', 'd', 'e']);
});

t.test('the bound holds over many rounds of dropping, ids still increasing', async (t) => {
  const journal = new RequestJournal(4);
  for (let i = 0; i < 23; i++) journal.add(record(`s${i}`));
  t.equal(journal.list().length, 4);
  const list = journal.list();
  t.same(sessions(list), ['s19', 's20', 's21', 's22']);
  t.same(
    list.map((e) => e.id - list[0]!.id),
    [0, 1, 2, 3],
  );
});

t.test('a journal of one keeps only the latest request', async (t) => {
  const journal = new RequestJournal(1);
  journal.add(record('a'));
  journal.add(record('b'));
  t.same(sessions(journal.list()), ['b']);
});

t.test('a size below 1 or not an integer is refused', async (t) => {
  for (const size of [0, -1, 1.5, Number.NaN]) t.throws(() => new RequestJournal(size), RangeError, String(size));
});

t.test('filters: session, status and since', async (t) => {
  const journal = new RequestJournal(100);
  journal.add(record('s1', 200, 0));
  journal.add(record('s2', 404, 1));
  journal.add(record('s3', 429, 2));
  journal.add(record(null, 401, 3));
  journal.add(record('s1', 200, 4));
  t.same(
    journal.list({ sessionId: 's1' }).map((e) => e.time),
    ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:04.000Z'],
  );
  t.same(sessions(journal.list({ status: 404 })), ['s2']);
  t.same(sessions(journal.list({ since: T0 + 2000 })), ['s3', null, 's1'], 'since includes entries at that very time');
  t.same(sessions(journal.list({ since: T0 + 1500 })), ['s3', null, 's1']);
  t.same(sessions(journal.list({ sessionId: 's1', status: 200, since: T0 + 1 })), ['s1'], 'filters combine');
  t.same(journal.list({ sessionId: 'nope' }), []);
});

t.test('filters: method in any case, and path as a pattern where * matches any run', async (t) => {
  const journal = new RequestJournal(100);
  journal.add(record('s1'));
  journal.add({ ...record('s2'), method: 'POST', path: '/v1/sessions/s2/goto' });
  journal.add({ ...record(null), method: 'POST', path: '/v1/profiles' });
  t.same(sessions(journal.list({ method: 'post' })), ['s2', null]);
  t.same(sessions(journal.list({ path: '/v1/sessions/*' })), ['s1', 's2']);
  t.same(sessions(journal.list({ path: '/v1/sessions/*/goto' })), ['s2']);
  t.same(sessions(journal.list({ path: '/v1/profiles' })), [null], 'a path without * matches only itself');
  t.same(sessions(journal.list({ path: '/v1/profile' })), []);
  t.same(sessions(journal.list({ path: '*' })), ['s1', 's2', null]);
  t.same(sessions(journal.list({ method: 'GET', path: '/v1/profiles' })), [], 'filters combine');
});

t.test('bodies are kept with their entries while the columns grow, wrap and clear', async (t) => {
  const journal = new RequestJournal(1500);
  const body = (i: number) => ({
    contentType: 'application/json',
    json: JSON.stringify({ i }),
    truncated: i % 7 === 0,
  });
  for (let i = 0; i < 4000; i++) journal.add({ ...record(`s${i}`), body: i % 3 === 0 ? null : body(i) });
  const list = journal.list();
  t.equal(list.length, 1500);
  t.ok(
    list.every((e, n) => {
      const i = 2500 + n;
      if (i % 3 === 0) return e.body === null && e.content_type === null && !e.body_truncated;
      return (
        (e.body as { i: number }).i === i && e.content_type === 'application/json' && e.body_truncated === (i % 7 === 0)
      );
    }),
    'each entry has its own body, content type and mark',
  );
  journal.clear();
  journal.add(record('after'));
  t.match(journal.list(), [{ session_id: 'after', body: null, content_type: null, body_truncated: false }]);
});

t.test('limit keeps the newest N matches, still listed oldest first', async (t) => {
  const journal = new RequestJournal(100);
  for (let i = 0; i < 6; i++) journal.add(record(`${i % 2 === 0 ? 'even' : 'odd'}-${i}`, i % 2 === 0 ? 200 : 404, i));
  t.same(sessions(journal.list({ limit: 2 })), ['even-4', 'odd-5']);
  t.same(
    sessions(journal.list({ status: 200, limit: 2 })),
    ['even-2', 'even-4'],
    'limit applies after the other filters',
  );
  t.equal(journal.list({ limit: 100 }).length, 6, 'a limit above the count lists everything');
});

t.test('clear empties the journal; later entries are kept as usual', async (t) => {
  const journal = new RequestJournal(3);
  for (let i = 0; i < 5; i++) journal.add(record('s1'));
  journal.clear();
  t.equal(journal.list().length, 0);
  t.same(journal.list(), []);
  journal.add(record('s2'));
  t.same(sessions(journal.list()), ['s2']);
});

t.test('what list answers is a copy: changing it does not change the journal', async (t) => {
  const journal = new RequestJournal(3);
  journal.add(record('s1'));
  const [entry] = journal.list();
  entry!.status = 999;
  t.equal(journal.list()[0]!.status, 200);
});

t.test('a large journal keeps its order and bound while its columns grow and wrap', async (t) => {
  const journal = new RequestJournal(2500);
  for (let i = 0; i < 6001; i++) journal.add(record(`s${i}`, 200, i));
  t.equal(journal.list().length, 2500);
  const list = journal.list();
  t.equal(list[0]!.session_id, 's3501');
  t.equal(list.at(-1)!.session_id, 's6000');
  t.ok(
    list.every((e, i) => e.id === list[0]!.id + i && e.session_id === `s${3501 + i}`),
    'consecutive ids, oldest first',
  );
  t.same(sessions(journal.list({ limit: 2 })), ['s5999', 's6000']);
});

t.test('after clear the journal fills again from empty, ids still increasing', async (t) => {
  const journal = new RequestJournal(3);
  for (const s of ['a', 'b', 'c', 'd']) journal.add(record(s));
  const lastId = journal.list().at(-1)!.id;
  journal.clear();
  t.equal(journal.list().length, 0);
  t.same(journal.list(), []);
  journal.add({ ...record('e', 503), forced: true, fault_id: 'f1', key_fingerprint: null, response_bytes: 0 });
  t.match(journal.list(), [
    { session_id: 'e', status: 503, forced: true, fault_id: 'f1', key_fingerprint: null, response_bytes: 0 },
  ]);
  t.ok(journal.list()[0]!.id > lastId);
});
