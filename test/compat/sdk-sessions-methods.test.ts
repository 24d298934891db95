import type { Test } from 'tap';
import t from 'tap';
import Anchorbrowser, { NotFoundError, BadRequestError, AuthenticationError } from 'anchorbrowser';
import { startMockServer, type FixtureDocument, type MockServer } from '../../src/index.js';
import { T0 } from '../helpers/app.js';
import { rejectionOf } from '../helpers/rejection.js';
import { declaredMediaTypes, declaredStatuses, expectVendor, vendorProblems } from '../helpers/vendor-contract.js';

// Every method the official SDK (0.16.3) has under client.sessions, once with
// only its required parameters and once with all of them, then the session
// operations the SDK lacks over raw HTTP, and what unknown, foreign and ended
// sessions answer. Every JSON body is checked against the vendor document in
// closed mode; binary answers against the media type it declares.

const KEY = 'ak_methods_acme';
const GLOBEX_KEY = 'ak_methods_globex';
const GLOBEX_SESSION = 'gx-running';
const MINUTE = 60_000;

const world: FixtureDocument = {
  accounts: [
    { id: 'acme', api_keys: [KEY] },
    { id: 'globex', api_keys: [GLOBEX_KEY], sessions: [{ id: GLOBEX_SESSION, status: 'running' }] },
  ],
};

interface World {
  mock: MockServer;
  client: Anchorbrowser;
}

async function startWorld(t: Test): Promise<World> {
  const mock = await startMockServer({ fixtures: [world], rateLimit: false, clock: { mode: 'manual', now: T0 } });
  t.teardown(() => mock.close());
  const client = new Anchorbrowser({ apiKey: KEY, baseURL: mock.url, logLevel: 'off', maxRetries: 0 });
  return { mock, client };
}

interface RawAnswer {
  status: number;
  contentType: string;
  bytes: Buffer;
  json: unknown;
}

/** One request with acme's key (unless told), read to the end. */
async function raw(
  mock: MockServer,
  method: string,
  path: string,
  body?: unknown,
  key: string = KEY,
): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'anchor-api-key': key };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(mock.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const contentType = res.headers.get('content-type') ?? '';
  const json: unknown = contentType.startsWith('application/json') ? JSON.parse(bytes.toString('utf8')) : undefined;
  return { status: res.status, contentType, bytes, json };
}

/** A raw answer with the expected status, its body valid for the operation (`docPath` as the document spells it). */
function expectRaw(t: Test, answer: RawAnswer, status: number, method: string, docPath: string) {
  t.equal(answer.status, status, `${method} ${docPath} answers ${status}`);
  if (answer.json === undefined) t.fail(`${method} ${docPath} ${status}: not JSON (${answer.contentType})`);
  else expectVendor(t, method, docPath, answer.json, status);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function expectBinary(t: Test, res: Response, method: string, docPath: string, media: string) {
  t.equal(res.status, 200);
  t.ok(declaredMediaTypes(`${method} ${docPath}`, 200).includes(media), `${docPath} declares ${media}`);
  t.equal(res.headers.get('content-type')?.split(';')[0], media);
  return Buffer.from(await res.arrayBuffer());
}

/** The create body with every parameter SessionCreateParams has. */
const fullCreate: Anchorbrowser.Sessions.SessionCreateParams = {
  browser: {
    adblock: { active: true },
    captcha_solver: { active: true },
    cross_origin_support: { active: false },
    disable_web_security: { active: false },
    extensions: ['ext-1'],
    extra_stealth: { active: true },
    force_popups_as_tabs: { active: true },
    fullscreen: { active: false },
    headless: { active: true },
    p2p_download: { active: false },
    popup_blocker: { active: true },
    profile: { name: 'billing', persist: false },
    viewport: { width: 1280, height: 720 },
  },
  identities: [{ id: 'identity-1' }],
  integrations: [{ id: 'integration-1', type: '1PASSWORD', configuration: { load_mode: 'specific', secrets: ['s1'] } }],
  session: {
    initial_url: 'https://portal.example.com/',
    live_view: { read_only: true },
    proxy: { active: true, type: 'anchor_proxy', country_code: 'us', region: 'ca', city: 'san-francisco' },
    recording: { active: true },
    timeout: { idle_timeout: 30, max_duration: 60 },
    tags: ['invoices', 'q1'],
  },
};

const upload = (name: string, text: string) => new File([text], name, { type: 'text/plain' });

t.test('the 21 SDK methods under client.sessions, with required and with all parameters', async (t) => {
  const { mock, client } = await startWorld(t);
  const called = new Set<string>();
  const note = (name: string) => called.add(name);

  // sessions.create: nothing is required.
  const bare = await client.sessions.create();
  expectVendor(t, 'POST', '/v1/sessions', bare);
  const full = await client.sessions.create(fullCreate);
  expectVendor(t, 'POST', '/v1/sessions', full);
  note('create');
  const id = full.data!.id!;
  const bareId = bare.data!.id!;

  for (const sid of [bareId, id]) {
    const got = await client.sessions.retrieve(sid);
    expectVendor(t, 'GET', '/v1/sessions/{session_id}', got);
    t.equal(got.data?.status, 'running');
  }
  const fullView = await client.sessions.retrieve(id);
  t.same(fullView.data?.tags, { 0: 'invoices', 1: 'q1' }, 'tags as the operation declares them (an object)');
  t.match(fullView.data?.configuration, { browser: { viewport: { width: 1280 } } }, 'the configuration as created');
  note('retrieve');

  const ops: [string, string, () => Promise<unknown>, () => Promise<unknown>][] = [
    [
      'dragAndDrop',
      '/v1/sessions/{sessionId}/drag-and-drop',
      () => client.sessions.dragAndDrop(id, { startX: 1, startY: 2, endX: 3, endY: 4 }),
      () => client.sessions.dragAndDrop(id, { startX: 1, startY: 2, endX: 3, endY: 4, button: 'middle' }),
    ],
    [
      'goto',
      '/v1/sessions/{sessionId}/goto',
      () => client.sessions.goto(id, { url: 'https://portal.example.com/a' }),
      () => client.sessions.goto(id, { url: 'https://portal.example.com/b' }),
    ],
    [
      'scroll',
      '/v1/sessions/{sessionId}/scroll',
      () => client.sessions.scroll(id, { deltaY: 100, x: 10, y: 20 }),
      () => client.sessions.scroll(id, { deltaY: 100, x: 10, y: 20, deltaX: 5, steps: 3, useOs: true }),
    ],
    [
      'uploadFile',
      '/v1/sessions/{sessionId}/uploads',
      () => client.sessions.uploadFile(id, { file: upload('a.txt', 'alpha') }),
      () => client.sessions.uploadFile(id, { file: upload('b.txt', 'beta') }),
    ],
    [
      'mouse.click',
      '/v1/sessions/{sessionId}/mouse/click',
      () => client.sessions.mouse.click(id, {}),
      () =>
        client.sessions.mouse.click(id, {
          button: 'right',
          index: 1,
          selector: '#submit',
          selectorTimeoutMs: 500,
          x: 5,
          y: 6,
        }),
    ],
    [
      'mouse.doubleClick',
      '/v1/sessions/{sessionId}/mouse/doubleClick',
      () => client.sessions.mouse.doubleClick(id, { x: 1, y: 2 }),
      () => client.sessions.mouse.doubleClick(id, { x: 1, y: 2, button: 'left' }),
    ],
    [
      'mouse.move',
      '/v1/sessions/{sessionId}/mouse/move',
      () => client.sessions.mouse.move(id, { x: 1, y: 2 }),
      () => client.sessions.mouse.move(id, { x: 3, y: 4 }),
    ],
    [
      'keyboard.shortcut',
      '/v1/sessions/{sessionId}/keyboard/shortcut',
      () => client.sessions.keyboard.shortcut(id, { keys: ['Control', 'a'] }),
      () => client.sessions.keyboard.shortcut(id, { keys: ['Control', 'c'], holdTime: 50 }),
    ],
    [
      'keyboard.type',
      '/v1/sessions/{sessionId}/keyboard/type',
      () => client.sessions.keyboard.type(id, { text: 'first' }),
      () => client.sessions.keyboard.type(id, { text: 'second', delay: 10 }),
    ],
    [
      'clipboard.set',
      '/v1/sessions/{sessionId}/clipboard',
      () => client.sessions.clipboard.set(id, { text: 'one' }),
      () => client.sessions.clipboard.set(id, { text: 'two' }),
    ],
    [
      'agent.files.upload',
      '/v1/sessions/{sessionId}/agent/files',
      () => client.sessions.agent.files.upload(id, { file: upload('notes.md', '# notes') }),
      () => client.sessions.agent.files.upload(id, { file: upload('more.csv', 'a,b\n1,2\n') }),
    ],
  ];
  for (const [name, docPath, required, all] of ops) {
    expectVendor(t, 'POST', docPath, await required());
    expectVendor(t, 'POST', docPath, await all());
    note(name);
  }

  const clip = await client.sessions.clipboard.get(id);
  expectVendor(t, 'GET', '/v1/sessions/{sessionId}/clipboard', clip);
  t.same(clip, { data: { text: 'two' } }, 'clipboard set then get round-trips');
  expectVendor(t, 'GET', '/v1/sessions/{sessionId}/clipboard', await client.sessions.clipboard.get(bareId));
  note('clipboard.get');

  for (const sid of [bareId, id]) {
    expectVendor(t, 'GET', '/v1/sessions/{session_id}/downloads', await client.sessions.retrieveDownloads(sid));
    const png = await expectBinary(
      t,
      await client.sessions.retrieveScreenshot(sid),
      'GET',
      '/v1/sessions/{sessionId}/screenshot',
      'image/png',
    );
    t.same(png.subarray(0, 8), PNG_SIGNATURE, 'a real PNG');
    const recordings = await client.sessions.recordings.list(sid);
    expectVendor(t, 'GET', '/v1/sessions/{session_id}/recordings', recordings);
    t.equal(recordings.data?.count, 1, 'the primary recording');
    const mp4 = await expectBinary(
      t,
      await client.sessions.recordings.primary.get(sid),
      'GET',
      '/v1/sessions/{session_id}/recordings/primary/fetch',
      'video/mp4',
    );
    t.equal(mp4.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4');
  }
  note('retrieveDownloads');
  note('retrieveScreenshot');
  note('recordings.list');
  note('recordings.primary.get');

  const status = await client.sessions.all.status();
  expectVendor(t, 'GET', '/v1/sessions/all/status', status);
  t.equal(status.data?.count, 2);
  note('all.status');

  const ended = await client.sessions.delete(bareId);
  expectVendor(t, 'DELETE', '/v1/sessions/{session_id}', ended);
  expectVendor(t, 'DELETE', '/v1/sessions/{session_id}', await client.sessions.delete(bareId));
  note('delete');

  expectVendor(t, 'DELETE', '/v1/sessions/all', await client.sessions.all.delete());
  expectVendor(t, 'DELETE', '/v1/sessions/all', await client.sessions.all.delete());
  note('all.delete');
  const after = await client.sessions.all.status();
  expectVendor(t, 'GET', '/v1/sessions/all/status', after);
  t.same(
    after.data?.items?.map((s) => s.status),
    ['completed', 'completed'],
  );

  t.equal(called.size, 21, 'every one of the 21 methods was called');
  t.equal(mock.url.startsWith('http://127.0.0.1:'), true);
});

t.test('the session operations the SDK lacks, over raw HTTP', async (t) => {
  const { mock, client } = await startWorld(t);
  const id = (await client.sessions.create({ session: { tags: ['batch'] } })).data!.id!;
  const at = (suffix: string) => `/v1/sessions/${id}${suffix}`;

  const pages = await raw(mock, 'GET', at('/pages'));
  expectRaw(t, pages, 200, 'GET', '/v1/sessions/{session_id}/pages');
  t.match(pages.json, { data: { count: 1, items: [{ url: 'about:blank' }] } });
  await client.sessions.goto(id, { url: 'https://example.com/reports' });
  const moved = await raw(mock, 'GET', at('/pages'));
  expectRaw(t, moved, 200, 'GET', '/v1/sessions/{session_id}/pages');
  t.match(moved.json, { data: { items: [{ url: 'https://example.com/reports' }] } }, 'a goto changes pages');

  for (const direction of ['down', 'up']) {
    const docPath = `/v1/sessions/{sessionId}/mouse/${direction}`;
    expectRaw(t, await raw(mock, 'POST', at(`/mouse/${direction}`), { x: 1, y: 2 }), 200, 'POST', docPath);
    const full = await raw(mock, 'POST', at(`/mouse/${direction}`), { x: 1, y: 2, button: 'right' });
    expectRaw(t, full, 200, 'POST', docPath);
  }

  await client.sessions.keyboard.type(id, { text: 'typed text' });
  const copied = await raw(mock, 'POST', at('/copy'));
  expectRaw(t, copied, 200, 'POST', '/v1/sessions/{sessionId}/copy');
  t.same(copied.json, { text: 'typed text' });
  expectRaw(
    t,
    await raw(mock, 'POST', at('/paste'), { text: 'pasted' }),
    200,
    'POST',
    '/v1/sessions/{sessionId}/paste',
  );
  t.same(await client.sessions.clipboard.get(id), { data: { text: 'pasted' } });

  for (const verb of ['pause', 'resume']) {
    const docPath = `/v1/sessions/{session_id}/recordings/${verb}`;
    expectRaw(t, await raw(mock, 'POST', at(`/recordings/${verb}`)), 200, 'POST', docPath);
    const agentPath = `/v1/sessions/{session_id}/agent/${verb}`;
    expectRaw(t, await raw(mock, 'POST', at(`/agent/${verb}`)), 200, 'POST', agentPath);
  }

  await client.sessions.agent.files.upload(id, { file: upload('notes.md', '# notes') });
  const files = await raw(mock, 'GET', at('/agent/files'));
  expectRaw(t, files, 200, 'GET', '/v1/sessions/{sessionId}/agent/files');
  t.match(files.json, { data: { files: [{ name: 'notes.md', size: 7, type: 'md' }] } });

  const recordings = await client.sessions.recordings.list(id);
  const recordingId = recordings.data!.items![0]!.id!;
  const deleted = await raw(mock, 'DELETE', at(`/recordings/${recordingId}`));
  expectRaw(t, deleted, 200, 'DELETE', '/v1/sessions/{session_id}/recordings/{recording_id}');
  t.equal((await client.sessions.recordings.list(id)).data?.count, 0, 'deleted for good');

  const history = await raw(mock, 'GET', '/v1/sessions?page=1&limit=10&sort_by=created_at&sort_order=desc');
  expectRaw(t, history, 200, 'GET', '/v1/sessions');
  t.match(history.json, { data: { sessions: [{ id, status: 'running', domains: ['example.com'] }], total: 1 } });
  const filtered = await raw(mock, 'GET', '/v1/sessions?tags=batch&domains=example.com&status=running');
  expectRaw(t, filtered, 200, 'GET', '/v1/sessions');
  t.match(filtered.json, { data: { sessions: [{ id }], total: 1 } }, 'filtered by tags, domains and status');

  const queued = await raw(mock, 'POST', '/v1/sessions/async', { session: { tags: ['later'] } });
  expectRaw(t, queued, 200, 'POST', '/v1/sessions/async');
  const requestId = (queued.json as { data: { request_id: string } }).data.request_id;
  const statusPath = '/v1/sessions/async/{request_id}/status';
  const pending = await raw(mock, 'GET', `/v1/sessions/async/${requestId}/status`);
  t.equal(pending.status, 200);
  // The document: `session` is absent until the session exists, and its `error` only says why one failed.
  const absent = { closed: true, absent: ['data.session', 'data.session.error'] };
  t.same(vendorProblems('GET', statusPath, 200, pending.json, absent), [], 'pending, valid');
  t.match(pending.json, { data: { status: 'pending' } });
  mock.clock.advance(1500);
  const ready = await raw(mock, 'GET', `/v1/sessions/async/${requestId}/status`);
  t.equal(ready.status, 200);
  t.same(vendorProblems('GET', statusPath, 200, ready.json, absent), [], 'ready, valid');
  const readyId = (ready.json as { data: { status: string; session: { session_id: string } } }).data;
  t.equal(readyId.status, 'ready');
  t.equal((await client.sessions.retrieve(readyId.session.session_id)).data?.status, 'running');
  expectRaw(t, await raw(mock, 'GET', '/v1/sessions/async/nope/status'), 404, 'GET', statusPath);
});

/** Every session-scoped operation, with a body it accepts, and what an ended session answers. */
const sessionOps: { method: string; docPath: string; body?: unknown; ended: number; unknown?: number }[] = [
  { method: 'GET', docPath: '/v1/sessions/{session_id}', ended: 200 },
  { method: 'DELETE', docPath: '/v1/sessions/{session_id}', ended: 200, unknown: 401 },
  { method: 'GET', docPath: '/v1/sessions/{session_id}/pages', ended: 404 },
  { method: 'GET', docPath: '/v1/sessions/{session_id}/downloads', ended: 200 },
  { method: 'GET', docPath: '/v1/sessions/{sessionId}/screenshot', ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/mouse/click', body: { x: 1, y: 1 }, ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/mouse/doubleClick', body: { x: 1, y: 1 }, ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/mouse/down', body: { x: 1, y: 1 }, ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/mouse/up', body: { x: 1, y: 1 }, ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/mouse/move', body: { x: 1, y: 1 }, ended: 404 },
  {
    method: 'POST',
    docPath: '/v1/sessions/{sessionId}/drag-and-drop',
    body: { startX: 1, startY: 1, endX: 2, endY: 2 },
    ended: 404,
  },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/scroll', body: { x: 1, y: 1, deltaY: 1 }, ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/keyboard/type', body: { text: 'x' }, ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/keyboard/shortcut', body: { keys: ['a'] }, ended: 404 },
  { method: 'GET', docPath: '/v1/sessions/{sessionId}/clipboard', ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/clipboard', body: { text: 'x' }, ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/copy', ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/paste', body: { text: 'x' }, ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{sessionId}/goto', body: { url: 'https://example.com/' }, ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{session_id}/recordings/pause', ended: 404 },
  { method: 'POST', docPath: '/v1/sessions/{session_id}/recordings/resume', ended: 404 },
  { method: 'GET', docPath: '/v1/sessions/{session_id}/recordings', ended: 200 },
  { method: 'GET', docPath: '/v1/sessions/{sessionId}/agent/files', ended: 400 },
  { method: 'POST', docPath: '/v1/sessions/{session_id}/agent/pause', ended: 400 },
  { method: 'POST', docPath: '/v1/sessions/{session_id}/agent/resume', ended: 400 },
];

const pathOf = (docPath: string, id: string) => docPath.replace(/\{session_?[iI]d\}/, encodeURIComponent(id));

t.test("unknown and another account's sessions answer each operation's declared status and shape", async (t) => {
  const { mock } = await startWorld(t);
  for (const op of sessionOps) {
    const expected = op.unknown ?? 404;
    for (const id of ['1b4e28ba-2fa1-11d2-883f-0016cb7c1f03', GLOBEX_SESSION]) {
      const answer = await raw(mock, op.method, pathOf(op.docPath, id), op.body);
      expectRaw(t, answer, expected, op.method, op.docPath);
      t.ok(declaredStatuses(`${op.method} ${op.docPath}`).includes(expected), `${op.docPath} declares ${expected}`);
    }
  }
  // The recordings' delete declares no 404: an unknown session answers one in the envelope (docs/controls.md).
  const gone = await raw(mock, 'DELETE', `/v1/sessions/${GLOBEX_SESSION}/recordings/primary`);
  expectRaw(t, gone, 404, 'DELETE', '/v1/sessions/{session_id}/recordings/{recording_id}');
  // globex itself still drives its own session.
  const own = await raw(mock, 'GET', `/v1/sessions/${GLOBEX_SESSION}/pages`, undefined, GLOBEX_KEY);
  expectRaw(t, own, 200, 'GET', '/v1/sessions/{session_id}/pages');
});

t.test('the SDK sees those refusals as its typed errors', async (t) => {
  const { client } = await startWorld(t);
  t.type(await rejectionOf(t, client.sessions.retrieve(GLOBEX_SESSION)), NotFoundError);
  t.type(await rejectionOf(t, client.sessions.delete(GLOBEX_SESSION)), AuthenticationError);
  t.type(await rejectionOf(t, client.sessions.goto(GLOBEX_SESSION, { url: 'https://example.com/' })), NotFoundError);
  const captcha = client.sessions.create({ browser: { captcha_solver: { active: true } } });
  t.type(await rejectionOf(t, captcha), BadRequestError);
});

t.test("an ended session's controls answer their declared 404 or 400; what it left is still served", async (t) => {
  const { mock, client } = await startWorld(t);
  const id = (await client.sessions.create()).data!.id!;
  await client.sessions.delete(id);
  for (const op of sessionOps) {
    const answer = await raw(mock, op.method, pathOf(op.docPath, id), op.body);
    expectRaw(t, answer, op.ended, op.method, op.docPath);
    if (op.ended !== 200) {
      t.ok(declaredStatuses(`${op.method} ${op.docPath}`).includes(op.ended), `${op.docPath} declares ${op.ended}`);
    }
  }
  const mp4 = await raw(mock, 'GET', `/v1/sessions/${id}/recordings/primary/fetch`);
  t.equal(mp4.status, 200, 'the recording is still served');
  t.equal(mp4.contentType, 'video/mp4');
});

t.test('the idle timeout ends a session when the clock passes it; a control restarts it', async (t) => {
  const { mock, client } = await startWorld(t);
  const id = (await client.sessions.create({ session: { timeout: { idle_timeout: 2, max_duration: -1 } } })).data!.id!;
  mock.clock.advance(MINUTE + 59_000);
  await client.sessions.mouse.move(id, { x: 1, y: 1 });
  mock.clock.advance(MINUTE + 59_000);
  const alive = await client.sessions.retrieve(id);
  expectVendor(t, 'GET', '/v1/sessions/{session_id}', alive);
  t.equal(alive.data?.status, 'running', 'the move restarted the idle time');
  mock.clock.advance(1000);
  const idle = await client.sessions.retrieve(id);
  expectVendor(t, 'GET', '/v1/sessions/{session_id}', idle);
  t.equal(idle.data?.status, 'completed', 'ended 2 minutes after its last control');
  t.equal(idle.data?.duration, 119 + 120, 'duration stops at the deadline: the move, plus 2 minutes');
  t.type(await rejectionOf(t, client.sessions.mouse.move(id, { x: 1, y: 1 })), NotFoundError);
  mock.clock.set(T0);
  t.equal((await client.sessions.retrieve(id)).data?.status, 'completed', 'moving the clock back revives nothing');
});

t.test('max_duration ends a session whatever its activity; the admin clock alone is enough', async (t) => {
  const { mock, client } = await startWorld(t);
  const id = (await client.sessions.create({ session: { timeout: { idle_timeout: -1, max_duration: 3 } } })).data!.id!;
  for (let minute = 0; minute < 2; minute += 1) {
    mock.clock.advance(MINUTE);
    await client.sessions.mouse.move(id, { x: minute, y: minute });
  }
  const advanced = await fetch(`${mock.url}/_mock/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_ms: MINUTE }),
  });
  t.equal(advanced.status, 200);
  const status = await client.sessions.all.status();
  expectVendor(t, 'GET', '/v1/sessions/all/status', status);
  t.same(
    status.data?.items?.map((s) => [s.session_id, s.status]),
    [[id, 'completed']],
  );
  const got = await client.sessions.retrieve(id);
  t.equal(got.data?.duration, 180, 'three minutes, then frozen');
});

t.test("bad input answers each operation's declared 400, naming the field, and changes nothing", async (t) => {
  const { mock, client } = await startWorld(t);
  const id = (await client.sessions.create()).data!.id!;
  const bad: [string, string, unknown, RegExp][] = [
    ['POST', '/v1/sessions', { session: { tags: 'invoices' } }, /session\.tags/],
    ['POST', '/v1/sessions', { browser: { captcha_solver: { active: true } } }, /CAPTCHA/],
    ['POST', '/v1/sessions/async', { session: { timeout: { idle_timeout: 'long' } } }, /idle_timeout/],
    ['POST', '/v1/sessions/{sessionId}/goto', { url: 'not a url' }, /url/],
    ['POST', '/v1/sessions/{sessionId}/goto', {}, /url/],
    ['POST', '/v1/sessions/{sessionId}/mouse/doubleClick', { x: 1 }, /\by\b/],
    ['POST', '/v1/sessions/{sessionId}/mouse/down', { x: 1, y: 1, button: 'thumb' }, /button/],
    ['POST', '/v1/sessions/{sessionId}/drag-and-drop', { startX: 1, startY: 1, endX: 2 }, /endY/],
    ['POST', '/v1/sessions/{sessionId}/scroll', { x: 1, y: 1 }, /deltaY/],
    ['POST', '/v1/sessions/{sessionId}/keyboard/type', { text: 5 }, /text/],
    ['POST', '/v1/sessions/{sessionId}/keyboard/shortcut', { keys: 'a' }, /keys/],
    ['POST', '/v1/sessions/{sessionId}/clipboard', {}, /text/],
    ['POST', '/v1/sessions/{sessionId}/paste', {}, /text/],
    ['GET', '/v1/sessions?limit=7', undefined, /limit/],
  ];
  for (const [method, docPath, body, field] of bad) {
    const [pathOnly, query = ''] = docPath.split('?');
    const answer = await raw(mock, method, pathOf(pathOnly!, id) + (query ? `?${query}` : ''), body);
    expectRaw(t, answer, 400, method, pathOnly!);
    t.match(JSON.stringify(answer.json), field, `${docPath}: the message names ${String(field)}`);
  }
  // The multipart operations: a JSON body is the wrong media type (415); a form without its file part, 400.
  for (const docPath of ['/v1/sessions/{sessionId}/uploads', '/v1/sessions/{sessionId}/agent/files']) {
    const json = await raw(mock, 'POST', pathOf(docPath, id), {});
    expectRaw(t, json, 415, 'POST', docPath);
    t.match(JSON.stringify(json.json), /multipart\/form-data/, `${docPath}: JSON is refused, naming the media type`);
    const form = new FormData();
    form.append('note', 'no file');
    const res = await fetch(mock.url + pathOf(docPath, id), {
      method: 'POST',
      headers: { 'anchor-api-key': KEY },
      body: form,
    });
    const body = (await res.json()) as unknown;
    t.equal(res.status, 400, `${docPath}: a form without its file part answers 400`);
    expectVendor(t, 'POST', docPath, body, 400);
    t.match(JSON.stringify(body), /file/, `${docPath}: the message names the file part`);
  }
  t.same(await client.sessions.clipboard.get(id), { data: { text: '' } }, 'nothing changed');
  t.match(await raw(mock, 'GET', `/v1/sessions/${id}/pages`), { json: { data: { items: [{ url: 'about:blank' }] } } });
  t.equal((await client.sessions.all.status()).data?.count, 1, 'no session was created');
});
