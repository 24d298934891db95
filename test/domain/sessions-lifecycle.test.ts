import { join } from 'node:path';
import t from 'tap';
import { Clock } from '../../src/domain/clock.js';
import { ASYNC_READY_DELAY_MS, type SessionView } from '../../src/domain/sessions/session-service.js';
import { T0 } from '../helpers/app.js';
import { buildSessionsWorld, MINUTE } from '../helpers/sessions.js';

const acme = { id: 'acme', keyName: 'ci-key' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function created(result: unknown): SessionView {
  if (!result || typeof result !== 'object' || !('session' in result))
    throw new Error(`refused: ${JSON.stringify(result)}`);
  return (result as { session: SessionView }).session;
}

const timeout = (idle_timeout?: number, max_duration?: number) => ({
  session: { timeout: { idle_timeout, max_duration } },
});

t.test(
  'a created session runs, with a UUID, its tags, and its body kept as sent (unknown properties too)',
  async (t) => {
    const { mock, clock } = buildSessionsWorld(t);
    const body = {
      session: { tags: ['invoices', 'q1'], initial_url: 'https://portal.example.com/x' },
      cross_origin_support: true,
    };
    const s = created(mock.sessions.create(acme, body, clock.now()));
    t.match(s.id, UUID);
    t.equal(s.status, 'running');
    t.same(s.tags, ['invoices', 'q1']);
    t.same(s.configuration, body);
    t.same(s.domains, ['portal.example.com'], 'the initial URL is a visited domain');
    t.equal(s.apiKeyName, 'ci-key');
    t.equal(s.idleTimeoutMinutes, 5, 'default idle timeout');
    t.equal(s.maxDurationMinutes, 20, 'default maximum duration');
    t.same(mock.sessions.get('acme', s.id, clock.now()), s, 'get answers the same');
    t.equal(mock.sessions.get('globex', s.id, clock.now()), undefined, 'another account does not see it');
  },
);

t.test('the default idle timeout ends a session 5 minutes after its last activity, on the clock alone', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const s = created(mock.sessions.create(acme, {}, clock.now()));
  clock.advance(5 * MINUTE - 1);
  t.equal(mock.sessions.get('acme', s.id, clock.now())!.status, 'running', 'a millisecond before');
  clock.advance(1);
  const ended = mock.sessions.get('acme', s.id, clock.now())!;
  t.equal(ended.status, 'completed');
  t.equal(ended.endedAt, T0 + 5 * MINUTE, 'ended at its deadline');
  t.equal(ended.durationSeconds, 300);
  clock.advance(60 * MINUTE);
  t.equal(mock.sessions.get('acme', s.id, clock.now())!.durationSeconds, 300, 'duration is frozen');
});

t.test('activity under the session restarts its idle time; the maximum duration still ends it', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const s = created(mock.sessions.create(acme, timeout(1, 3), clock.now()));
  for (let i = 0; i < 3; i++) {
    clock.advance(50_000);
    mock.sessions.touch(s.id, clock.now());
  }
  // 150 s: the idle timeout alone would have ended it at 60 s.
  t.equal(mock.sessions.get('acme', s.id, clock.now())!.status, 'running');
  clock.advance(3 * MINUTE - 150_000);
  const ended = mock.sessions.get('acme', s.id, clock.now())!;
  t.equal(ended.status, 'completed');
  t.equal(ended.durationSeconds, 180, 'by the maximum duration');
});

t.test('idle time counts from the last touch', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const s = created(mock.sessions.create(acme, timeout(1, -1), clock.now()));
  clock.advance(50_000);
  mock.sessions.touch(s.id, clock.now());
  clock.advance(MINUTE - 1);
  t.equal(mock.sessions.get('acme', s.id, clock.now())!.status, 'running');
  clock.advance(1);
  t.equal(mock.sessions.get('acme', s.id, clock.now())!.endedAt, T0 + 50_000 + MINUTE);
});

t.test('a touch after the idle timeout passed does not revive the session', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const s = created(mock.sessions.create(acme, timeout(1, -1), clock.now()));
  clock.advance(2 * MINUTE);
  mock.sessions.touch(s.id, clock.now());
  const ended = mock.sessions.get('acme', s.id, clock.now())!;
  t.equal(ended.status, 'completed');
  t.equal(ended.endedAt, T0 + MINUTE);
});

t.test('-1 disables both timeouts', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const s = created(mock.sessions.create(acme, timeout(-1, -1), clock.now()));
  clock.advance(365 * 24 * 60 * MINUTE);
  const view = mock.sessions.get('acme', s.id, clock.now())!;
  t.equal(view.status, 'running');
  t.equal(view.durationSeconds, 365 * 24 * 3600, 'duration grows with the clock');
});

for (const [name, body] of [
  ['max_duration 0', timeout(undefined, 0)],
  ['idle_timeout 0', timeout(0, undefined)],
] as const) {
  t.test(`${name} ends the session at once`, async (t) => {
    const { mock, clock } = buildSessionsWorld(t);
    const s = created(mock.sessions.create(acme, body, clock.now()));
    t.equal(s.status, 'completed');
    t.equal(s.durationSeconds, 0);
  });
}

t.test('moving the clock back revives nothing, even a session no request saw end', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const s = created(mock.sessions.create(acme, timeout(1, -1), clock.now()));
  clock.advance(2 * MINUTE);
  clock.set(T0 + 10_000);
  const view = mock.sessions.get('acme', s.id, clock.now())!;
  t.equal(view.status, 'completed');
  t.equal(view.endedAt, T0 + MINUTE);
});

t.test('end: the account ends its session once; after that it had ended; others cannot', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const s = created(mock.sessions.create(acme, {}, clock.now()));
  clock.advance(42_000);
  t.equal(mock.sessions.end('globex', s.id, clock.now()), undefined, "another account's");
  t.equal(mock.sessions.end('acme', 'no-such-session', clock.now()), undefined, 'unknown');
  t.equal(mock.sessions.end('acme', s.id, clock.now()), 'ended');
  clock.advance(MINUTE);
  t.equal(mock.sessions.end('acme', s.id, clock.now()), 'already-ended');
  const view = mock.sessions.get('acme', s.id, clock.now())!;
  t.equal(view.status, 'completed');
  t.equal(view.durationSeconds, 42);
});

t.test('fixture sessions: completed by default, running when the fixture says, without timeouts', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  t.equal(mock.sessions.get('acme', 'fx-done', clock.now())!.status, 'completed');
  t.equal(mock.sessions.get('acme', 'fx-done', clock.now())!.durationSeconds, 0);
  clock.advance(24 * 60 * MINUTE);
  const live = mock.sessions.get('acme', 'fx-live', clock.now())!;
  t.equal(live.status, 'running', 'no timeout ends it');
  t.equal(live.idleTimeoutMinutes, null);
  t.same(live.tags, ['live']);
  t.equal(mock.sessions.end('acme', 'fx-live', clock.now()), 'ended');
  t.equal(mock.sessions.get('acme', 'fx-live', clock.now())!.status, 'completed');
});

t.test('endAll ends every running session of the account and no other', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const a = created(mock.sessions.create(acme, {}, clock.now()));
  const g = created(mock.sessions.create({ id: 'globex' }, {}, clock.now()));
  t.equal(mock.sessions.endAll('acme', clock.now()), 2, 'the created one and the running fixture session');
  t.equal(mock.sessions.get('acme', a.id, clock.now())!.status, 'completed');
  t.equal(mock.sessions.get('globex', g.id, clock.now())!.status, 'running');
  t.equal(mock.sessions.endAll('acme', clock.now()), 0);
});

t.test('list: every session of the account, oldest first, through the filters', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  clock.advance(1000);
  const proxied = {
    session: { tags: ['invoices'], proxy: { active: true } },
    browser: { profile: { name: 'Main Profile' } },
  };
  const p = created(mock.sessions.create(acme, proxied, clock.now()));
  const ids = (q: Record<string, unknown>) => mock.sessions.list('acme', q, clock.now()).map((s) => s.id);
  t.same(ids({}), ['fx-done', 'fx-live', p.id]);
  t.same(ids({ tags: 'invoices' }), ['fx-done', p.id]);
  t.same(ids({ tags: 'invoices,old' }), ['fx-done'], 'all the tags');
  t.same(ids({ proxy: 'true' }), [p.id]);
  t.same(ids({ proxy: false }), ['fx-done', 'fx-live']);
  t.same(ids({ profile_name: 'main' }), [p.id], 'partial, case-insensitive');
  t.same(ids({ created_from: new Date(T0).toISOString() }), [p.id]);
  t.same(ids({ created_to: '2025-12-31T06:00:00Z' }), ['fx-done']);
  t.same(ids({ batch_id: 'b1' }), [], 'no session belongs to a batch');
  t.same(ids({ task_initiated: true }), []);
  t.same(ids({ playground: 'false' }), ['fx-done', 'fx-live', p.id]);
  t.same(
    mock.sessions.list('globex', {}, clock.now()).map((s) => s.id),
    ['gx-1'],
  );
});

t.test('domains: the initial URL and each later visit', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const s = created(mock.sessions.create(acme, { session: { initial_url: 'https://a.example.com/' } }, clock.now()));
  mock.sessions.addDomain(s.id, 'https://b.example.com/path');
  mock.sessions.addDomain(s.id, 'https://a.example.com/other');
  mock.sessions.addDomain(s.id, 'not a url');
  t.same(mock.sessions.get('acme', s.id, clock.now())!.domains, ['a.example.com', 'b.example.com']);
  t.same(
    mock.sessions.list('acme', { domains: 'b.example.com,A.example.com' }, clock.now()).map((x) => x.id),
    [s.id],
  );
});

t.test("the CAPTCHA solver without an active proxy is refused with the document's message", async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const captcha = { browser: { captcha_solver: { active: true } } };
  t.same(mock.sessions.create(acme, captcha, clock.now()), {
    refused: 400,
    message: 'CAPTCHA solver requires proxy to be active.',
  });
  t.same(mock.sessions.create(acme, { ...captcha, session: { proxy: { active: false } } }, clock.now()), {
    refused: 400,
    message: 'CAPTCHA solver requires proxy to be active.',
  });
  t.equal(mock.sessions.list('acme', {}, clock.now()).length, 2, 'nothing was created');
  const ok = mock.sessions.create(acme, { ...captcha, session: { proxy: { active: true } } }, clock.now());
  t.ok('session' in ok, 'with an active proxy it runs');
});

t.test('async: pending, then processing, then ready on the mock clock; the session appears only then', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const { request } = mock.sessions.createAsync(acme, { session: { tags: ['batch'] } }, clock.now()) as {
    request: { requestId: string };
  };
  t.match(request.requestId, UUID);
  const status = () => mock.sessions.asyncStatus('acme', request.requestId, clock.now())!;
  t.match(status(), { status: 'pending', phase: 'queued', session: undefined });
  t.equal(mock.sessions.list('acme', { tags: 'batch' }, clock.now()).length, 0, 'no session yet');
  clock.advance(ASYNC_READY_DELAY_MS / 3);
  t.match(status(), { status: 'processing', phase: 'provisioning' });
  clock.advance(ASYNC_READY_DELAY_MS / 3);
  t.match(status(), { status: 'processing', phase: 'configuring' });
  clock.advance(ASYNC_READY_DELAY_MS / 3);
  // The list alone sees it: no poll of the status is needed.
  const listed = mock.sessions.list('acme', { tags: 'batch' }, clock.now());
  t.equal(listed.length, 1);
  t.equal(listed[0]!.createdAt, T0 + ASYNC_READY_DELAY_MS, 'created when ready');
  t.match(status(), { status: 'ready', phase: 'ready', session: { id: listed[0]!.id, status: 'running' } });
  t.equal(mock.sessions.asyncStatus('globex', request.requestId, clock.now()), undefined, "another account's");
  t.equal(mock.sessions.asyncStatus('acme', 'nope', clock.now()), undefined);
});

t.test('reset removes sessions and async requests created at run time, and restores fixture statuses', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const s = created(mock.sessions.create(acme, {}, clock.now()));
  const { request } = mock.sessions.createAsync(acme, {}, clock.now()) as { request: { requestId: string } };
  mock.sessions.end('acme', 'fx-live', clock.now());
  mock.reset();
  t.equal(mock.sessions.get('acme', s.id, clock.now()), undefined);
  t.equal(mock.sessions.asyncStatus('acme', request.requestId, clock.now()), undefined);
  t.equal(mock.sessions.get('acme', 'fx-live', clock.now())!.status, 'running');
});

t.test('with a database file, sessions, their timeouts and ended fixture sessions survive a restart', async (t) => {
  const path = join(t.testdir(), 'mock.db');
  const clock = new Clock({ mode: 'manual', now: T0 });
  const first = buildSessionsWorld(t, { path, clock });
  const s = created(first.mock.sessions.create(acme, timeout(1, -1), clock.now()));
  const { request } = first.mock.sessions.createAsync(acme, {}, clock.now()) as { request: { requestId: string } };
  first.mock.sessions.end('acme', 'fx-live', clock.now());
  first.store.close();

  // The restart loads the start-up fixtures again, as `serve --db` does.
  const again = buildSessionsWorld(t, { path, clock });
  t.equal(again.mock.sessions.get('acme', s.id, clock.now())!.status, 'running');
  t.equal(
    again.mock.sessions.get('acme', 'fx-live', clock.now())!.status,
    'completed',
    "the fixture's status was for the first insert",
  );
  clock.advance(MINUTE);
  t.equal(again.mock.sessions.get('acme', s.id, clock.now())!.status, 'completed', 'the idle timeout still runs');
  t.equal(again.mock.sessions.asyncStatus('acme', request.requestId, clock.now())!.status, 'ready');
});
