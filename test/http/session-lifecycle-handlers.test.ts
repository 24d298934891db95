import t, { type Test } from 'tap';
import type { OperationCall, OperationResult } from '../../src/contract/stateful.js';
import { ASYNC_READY_DELAY_MS } from '../../src/domain/sessions/session-service.js';
import { lifecycleHandlers } from '../../src/http/operations/sessions/lifecycle.js';
import { buildSessionsWorld, callOf, MINUTE, PUBLIC_URL, sentBody } from '../helpers/sessions.js';
import type { MockContext } from '../../src/domain/mock-context.js';
import { vendorProblems } from '../helpers/vendor-contract.js';

const ACME = { id: 'acme', keyName: 'ci-key' };
// Bodies are checked against the vendor document; the tests then read them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

/**
 * Calls the handler for `METHOD path` and checks what the contract layer
 * would send against the vendor document, in closed mode: every declared
 * property present. `absent` names the properties the document says may be
 * missing in this answer.
 */
async function call(
  t: Test,
  mock: MockContext,
  op: string,
  partial: Partial<OperationCall> = {},
  absent: string[] = [],
): Promise<{ result: OperationResult; body: Body }> {
  const handler = lifecycleHandlers[op];
  if (!handler) throw new Error(`no handler for ${op}`);
  const result = await handler(callOf(mock, { account: ACME, ...partial }), mock);
  const body = sentBody(result);
  const [method, path] = op.split(' ') as [string, string];
  t.same(
    vendorProblems(method, path, result.status, body, { closed: true, absent }),
    [],
    `${op} ${result.status} matches the document`,
  );
  return { result, body };
}

t.test('the record holds exactly the eight lifecycle operations, by the paths the document spells', async (t) => {
  t.same(Object.keys(lifecycleHandlers).sort(), [
    'DELETE /v1/sessions/all',
    'DELETE /v1/sessions/{session_id}',
    'GET /v1/sessions',
    'GET /v1/sessions/all/status',
    'GET /v1/sessions/async/{request_id}/status',
    'GET /v1/sessions/{session_id}',
    'POST /v1/sessions',
    'POST /v1/sessions/async',
  ]);
});

t.test('create → get → delete → all/status → history: every body as the document declares it', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const createBody = { session: { tags: ['exports'], timeout: { idle_timeout: 10 } }, selectorTimeoutMs: 500 };
  const { result, body } = await call(t, mock, 'POST /v1/sessions', { body: createBody });
  t.equal(result.status, 200);
  const id = body.data.id as string;
  t.equal(body.data.cdp_url, `ws://mock.test:4010/cdp/sessions/${id}`);
  t.equal(body.data.live_view_url, `${PUBLIC_URL}/live/sessions/${id}`);

  clock.advance(90_500);
  const got = await call(t, mock, 'GET /v1/sessions/{session_id}', { params: { session_id: id } });
  t.match(got.body.data, {
    session_id: id,
    team_id: 'acme',
    duration: 90,
    status: 'running',
    credits_used: 1,
    configuration: createBody,
    tags: { 0: 'exports' },
    created_at: '2026-01-01T00:00:00.000Z',
  });

  const deleted = await call(t, mock, 'DELETE /v1/sessions/{session_id}', { params: { session_id: id } });
  t.same(deleted.body, { data: { status: 'success' } });
  clock.advance(MINUTE);
  const again = await call(t, mock, 'DELETE /v1/sessions/{session_id}', { params: { session_id: id } });
  t.equal(again.result.status, 200, 'deleting an ended session answers 200');

  const status = await call(t, mock, 'GET /v1/sessions/all/status', { query: { tags: 'exports' } });
  t.same(status.body, {
    data: {
      count: 1,
      items: [{ session_id: id, status: 'completed', tags: ['exports'], created_at: '2026-01-01T00:00:00.000Z' }],
    },
  });

  const history = await call(t, mock, 'GET /v1/sessions', { query: { sort_order: 'desc' } });
  t.match(history.body.data, { total: 3, page: 1, total_pages: 1 });
  t.match(history.body.data.sessions[0], {
    id,
    status: 'completed',
    used_credits: 1,
    duration: 90,
    api_key_name: 'ci-key',
    user_configuration: createBody,
    browser_ip: null,
  });
  t.equal(history.body.data.sessions[1].used_credits, 'N/A', 'a running session has no used credits yet');
});

t.test("unknown or another account's session: 404 for get, 401 for delete, as declared", async (t) => {
  const { mock } = buildSessionsWorld(t);
  for (const session_id of ['gx-1', 'no-such-session']) {
    const got = await call(t, mock, 'GET /v1/sessions/{session_id}', { params: { session_id } });
    t.same(got.body, { error: { code: 404, message: 'Session not found.' } });
    const deleted = await call(t, mock, 'DELETE /v1/sessions/{session_id}', { params: { session_id } });
    t.same(deleted.body, { error: { code: 401, message: 'Invalid API Key or browser session ID' } });
  }
  const { body } = await call(t, mock, 'GET /v1/sessions/all/status', { account: { id: 'globex' } });
  t.same(
    body.data.items.map((i: { session_id: string }) => i.session_id),
    ['gx-1'],
  );
});

t.test('the clock alone ends a session: the next status read says completed', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const { body } = await call(t, mock, 'POST /v1/sessions', { body: { session: { timeout: { idle_timeout: 1 } } } });
  clock.advance(MINUTE);
  const got = await call(t, mock, 'GET /v1/sessions/{session_id}', { params: { session_id: body.data.id } });
  t.match(got.body.data, { status: 'completed', duration: 60 });
});

t.test('DELETE /v1/sessions/all ends the running sessions of the account', async (t) => {
  const { mock } = buildSessionsWorld(t);
  await call(t, mock, 'POST /v1/sessions');
  const { body } = await call(t, mock, 'DELETE /v1/sessions/all');
  t.same(body, { data: { status: 'success' } });
  const status = await call(t, mock, 'GET /v1/sessions/all/status');
  t.same(
    status.body.data.items.map((i: { status: string }) => i.status),
    ['completed', 'completed', 'completed'],
  );
});

t.test('POST /v1/sessions refusals: 400 CAPTCHA without proxy, 402 credits, 429 with the headers', async (t) => {
  const { mock } = buildSessionsWorld(t);
  const captcha = await call(t, mock, 'POST /v1/sessions', { body: { browser: { captcha_solver: { active: true } } } });
  t.same(captcha.body, { error: { code: 400, message: 'CAPTCHA solver requires proxy to be active.' } });

  const thrifty = { account: { id: 'thrifty' } };
  await call(t, mock, 'POST /v1/sessions', thrifty);
  await call(t, mock, 'POST /v1/sessions', thrifty);
  const broke = await call(t, mock, 'POST /v1/sessions', thrifty);
  t.equal(broke.result.status, 402);
  const brokeAsync = await call(t, mock, 'POST /v1/sessions/async', thrifty);
  t.equal(brokeAsync.result.status, 402);

  const throttled = { account: { id: 'throttled' } };
  for (let i = 0; i < 3; i++) await call(t, mock, 'POST /v1/sessions', throttled);
  const limited = await call(t, mock, 'POST /v1/sessions', throttled);
  t.equal(limited.result.status, 429);
  t.match(limited.result.headers, { RateLimit: '"3-in-1min"; r=0; t=60', 'Retry-After': '60' });
  t.match(limited.result.headers, { 'RateLimit-Policy': /^"3-in-1min"; q=3; w=60; pk=:/ });
  const limitedAsync = await call(t, mock, 'POST /v1/sessions/async', throttled);
  t.equal(limitedAsync.result.status, 429);
});

t.test('GET /v1/sessions: a limit the document does not allow answers 400', async (t) => {
  const { mock } = buildSessionsWorld(t);
  const { body } = await call(t, mock, 'GET /v1/sessions', { query: { limit: 15 } });
  t.same(body, { error: { code: 400, message: 'limit must be one of 10, 20, 50' } });
});

t.test('async: pending without a session, then ready with it; unknown request 404', async (t) => {
  const { mock, clock } = buildSessionsWorld(t);
  const { body } = await call(t, mock, 'POST /v1/sessions/async', { body: { session: { tags: ['bulk'] } } });
  t.match(body.data, { status: 'pending', session_id: null });
  const params = { request_id: body.data.request_id };
  const pending = await call(t, mock, 'GET /v1/sessions/async/{request_id}/status', { params }, ['data.session']);
  t.same(pending.body.data, {
    request_id: params.request_id,
    status: 'pending',
    created_at: '2026-01-01T00:00:00.000Z',
    progress: { current_phase: 'queued' },
  });
  clock.advance(ASYNC_READY_DELAY_MS);
  const ready = await call(t, mock, 'GET /v1/sessions/async/{request_id}/status', { params }, ['data.session.error']);
  const session = ready.body.data.session;
  t.match(ready.body.data, { status: 'ready', progress: { current_phase: 'ready' } });
  t.match(session, {
    item_index: 0,
    status: 'completed',
    cdp_url: `ws://mock.test:4010/cdp/sessions/${session.session_id}`,
    live_view_url: `${PUBLIC_URL}/live/sessions/${session.session_id}`,
    completed_at: '2026-01-01T00:00:01.500Z',
  });
  const got = await call(t, mock, 'GET /v1/sessions/{session_id}', { params: { session_id: session.session_id } });
  t.match(got.body.data, { status: 'running', tags: { 0: 'bulk' } });

  const unknown = await call(t, mock, 'GET /v1/sessions/async/{request_id}/status', {
    params: { request_id: '00000000-0000-4000-8000-000000000000' },
  });
  t.same(unknown.body, { error: { code: 404, message: 'Async request not found.' } });
  const foreign = await call(t, mock, 'GET /v1/sessions/async/{request_id}/status', {
    params,
    account: { id: 'globex' },
  });
  t.equal(foreign.result.status, 404);
});

t.test('cdp_url follows a public URL that changes (https becomes wss)', async (t) => {
  const { mock } = buildSessionsWorld(t);
  mock.publicUrl = 'https://mock.example.com';
  const { body } = await call(t, mock, 'POST /v1/sessions');
  t.match(body.data.cdp_url, /^wss:\/\/mock\.example\.com\/cdp\/sessions\//);
});

t.test('closed mode catches a missing declared property (the check can fail)', async (t) => {
  const problems = vendorProblems('GET', '/v1/sessions/all/status', 200, { data: { items: [] } }, { closed: true });
  t.same(problems, ['data.count is declared but missing']);
  t.same(
    vendorProblems(
      'POST',
      '/v1/sessions',
      200,
      { data: { id: 'x', cdp_url: 'ws://x', live_view_url: 'y', extra: 1 } },
      { closed: true },
    ),
    ['data.extra is not declared'],
  );
});
