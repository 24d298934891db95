import t, { type Test } from 'tap';
import type { OperationCall, OperationResult } from '../../src/contract/stateful.js';
import type { MockContext } from '../../src/domain/mock-context.js';
import { primaryRecordingIdOf } from '../../src/domain/sessions/session-controls.js';
import { controlHandlers } from '../../src/http/operations/sessions/controls.js';
import {
  callOf,
  controlsWorld,
  EMPTY_SESSION,
  ENDED_SESSION,
  FRESH_SESSION,
  OTHER_SESSION,
  SESSION,
  T0,
} from '../helpers/controls-world.js';
import { decodePng, mp4Boxes, mp4DurationMs, storedZip } from '../helpers/media.js';
import { declaredMediaTypes, declaredStatuses, vendorProblems } from '../helpers/vendor-contract.js';

type Files = NonNullable<OperationCall['files']>;
const file = (fileName: string, content: string | Buffer, contentType = 'text/plain'): Files => [
  { field: 'file', fileName, contentType, bytes: Buffer.from(content) },
];

/** Each operation with a valid request (as the contract layer would pass it) and what an ended session answers. */
const OPERATIONS: Record<string, { body?: unknown; files?: Files; ended: 404 | 400 | 200 }> = {
  'POST /v1/sessions/{sessionId}/goto': { body: { url: 'https://example.com/' }, ended: 404 },
  'GET /v1/sessions/{session_id}/pages': { ended: 404 },
  'POST /v1/sessions/{sessionId}/scroll': { body: { x: 1, y: 2, deltaY: 300 }, ended: 404 },
  'POST /v1/sessions/{sessionId}/mouse/click': { body: { x: 5, y: 6 }, ended: 404 },
  'POST /v1/sessions/{sessionId}/mouse/doubleClick': { body: { x: 5, y: 6 }, ended: 404 },
  'POST /v1/sessions/{sessionId}/mouse/down': { body: { x: 5, y: 6 }, ended: 404 },
  'POST /v1/sessions/{sessionId}/mouse/up': { body: { x: 5, y: 6 }, ended: 404 },
  'POST /v1/sessions/{sessionId}/mouse/move': { body: { x: 5, y: 6 }, ended: 404 },
  'POST /v1/sessions/{sessionId}/drag-and-drop': { body: { startX: 1, startY: 2, endX: 3, endY: 4 }, ended: 404 },
  'POST /v1/sessions/{sessionId}/keyboard/type': { body: { text: 'hello' }, ended: 404 },
  'POST /v1/sessions/{sessionId}/keyboard/shortcut': { body: { keys: ['Control', 'c'] }, ended: 404 },
  'GET /v1/sessions/{sessionId}/clipboard': { ended: 404 },
  'POST /v1/sessions/{sessionId}/clipboard': { body: { text: 'clip' }, ended: 404 },
  'POST /v1/sessions/{sessionId}/copy': { ended: 404 },
  'POST /v1/sessions/{sessionId}/paste': { body: { text: 'paste me' }, ended: 404 },
  'GET /v1/sessions/{sessionId}/screenshot': { ended: 404 },
  'POST /v1/sessions/{sessionId}/uploads': { files: file('a.txt', 'abc'), ended: 404 },
  'GET /v1/sessions/{session_id}/recordings': { ended: 200 },
  'GET /v1/sessions/{session_id}/recordings/primary/fetch': { ended: 200 },
  'POST /v1/sessions/{session_id}/recordings/pause': { ended: 404 },
  'POST /v1/sessions/{session_id}/recordings/resume': { ended: 404 },
  'DELETE /v1/sessions/{session_id}/recordings/{recording_id}': { ended: 200 },
  'POST /v1/sessions/{sessionId}/agent/files': { files: file('notes.md', '# notes'), ended: 404 },
  'GET /v1/sessions/{sessionId}/agent/files': { ended: 400 },
  'POST /v1/sessions/{session_id}/agent/pause': { ended: 400 },
  'POST /v1/sessions/{session_id}/agent/resume': { ended: 400 },
};

/** Statuses an operation answers that its document entry does not declare (docs/controls.md lists them). */
const UNDECLARED: Record<string, number[]> = {
  'DELETE /v1/sessions/{session_id}/recordings/{recording_id}': [404],
};

/** The path parameters of `key` for session `sessionId`. */
function paramsOf(key: string, sessionId: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [, name] of key.matchAll(/\{(\w+)\}/g)) params[name!] = name === 'recording_id' ? 'primary' : sessionId;
  return params;
}

async function invoke(
  mock: MockContext,
  key: string,
  sessionId: string,
  extra: Partial<OperationCall> = {},
): Promise<OperationResult> {
  const op = OPERATIONS[key]!;
  const call = callOf(mock, paramsOf(key, sessionId), { body: op.body, files: op.files, ...extra });
  return await controlHandlers[key]!(call, mock);
}

/** The answer is what `key` declares for its status: the closed JSON schema, declared bytes, or a message. */
function expectDeclared(t: Test, key: string, result: OperationResult, status: number) {
  t.equal(result.status, status, `${key} answers ${status}`);
  const declared = [...declaredStatuses(key), ...(UNDECLARED[key] ?? [])];
  t.ok(declared.includes(result.status), `${result.status} is declared for ${key}`);
  if (result.bytes) {
    t.ok(declaredMediaTypes(key, result.status).includes(result.contentType!), `${result.contentType} is declared`);
  } else if (result.status === 200) {
    const [method, path] = key.split(' ') as [string, string];
    const problems = vendorProblems(method, path, 200, result.body, { closed: true });
    t.same(problems, [], 'the body has every declared property, rightly typed');
  } else {
    t.equal(result.body, undefined, 'an error leaves its shape to the contract layer');
    t.match(result.message, /\S/, 'with a message');
  }
}

t.test('the handlers are keyed exactly as the vendor document spells its operations', async (t) => {
  t.same(Object.keys(controlHandlers).sort(), Object.keys(OPERATIONS).sort());
  for (const key of Object.keys(OPERATIONS)) t.ok(declaredStatuses(key).includes(200), key);
});

t.test('every control answers its declared 200 on a running session of the account', async (t) => {
  const { mock } = controlsWorld(t);
  for (const key of Object.keys(OPERATIONS)) expectDeclared(t, key, await invoke(mock, key, SESSION), 200);
});

t.test('an unknown session and another account’s answer the same declared 404', async (t) => {
  const { mock } = controlsWorld(t);
  for (const key of Object.keys(OPERATIONS)) {
    const unknown = await invoke(mock, key, 'no-such-session');
    expectDeclared(t, key, unknown, 404);
    t.same(await invoke(mock, key, OTHER_SESSION), unknown, `${key}: another account’s is unknown`);
  }
  t.equal(mock.controls.activity(OTHER_SESSION).length, 0, 'nothing was done to globex’s session');
});

t.test(
  'an ended session: 404, or 400 where the operation documents "not running"; recordings still served',
  async (t) => {
    const { mock } = controlsWorld(t);
    for (const [key, op] of Object.entries(OPERATIONS)) {
      expectDeclared(t, key, await invoke(mock, key, ENDED_SESSION), op.ended);
    }
  },
);

t.test('goto changes what pages lists', async (t) => {
  const { mock } = controlsWorld(t);
  const pages = 'GET /v1/sessions/{session_id}/pages';
  const before = (await invoke(mock, pages, SESSION)).body;
  const id = (before as { data: { items: { id: string }[] } }).data.items[0]!.id;
  t.same(before, {
    data: {
      count: 1,
      items: [
        {
          id,
          title: 'about:blank',
          url: 'about:blank',
          frontend_url: `http://mock.test:4010/live/sessions/${SESSION}?page_id=${id}`,
        },
      ],
    },
  });
  const goto = 'POST /v1/sessions/{sessionId}/goto';
  t.same((await invoke(mock, goto, SESSION, { body: { url: 'https://portal.example.com/reports/' } })).body, {
    status: 'success',
  });
  const after = await invoke(mock, pages, SESSION);
  expectDeclared(t, pages, after, 200);
  t.match(after.body, { data: { count: 1, items: [{ id, url: 'https://portal.example.com/reports/' }] } });
  t.match(
    (await invoke(mock, pages, EMPTY_SESSION)).body,
    { data: { items: [{ url: 'about:blank' }] } },
    'per session',
  );
});

t.test('goto to something that is not an absolute URL answers the declared 400, and navigates nowhere', async (t) => {
  const { mock } = controlsWorld(t);
  const goto = 'POST /v1/sessions/{sessionId}/goto';
  const result = await invoke(mock, goto, SESSION, { body: { url: 'example.com/no-scheme' } });
  expectDeclared(t, goto, result, 400);
  t.match(result.message, /example\.com\/no-scheme/, 'the message names the URL');
  t.equal(mock.controls.pages(SESSION)[0]!.url, 'about:blank');
  t.same(mock.controls.activity(SESSION), []);
});

t.test(
  'clipboard set then get round-trips; copy copies the typed text; paste goes through the clipboard',
  async (t) => {
    const { mock } = controlsWorld(t);
    const get = 'GET /v1/sessions/{sessionId}/clipboard';
    const set = 'POST /v1/sessions/{sessionId}/clipboard';
    t.same((await invoke(mock, get, SESSION)).body, { data: { text: '' } });
    await invoke(mock, set, SESSION, { body: { text: 'line 1\nline 2 ✓' } });
    t.same((await invoke(mock, get, SESSION)).body, { data: { text: 'line 1\nline 2 ✓' } });
    await invoke(mock, 'POST /v1/sessions/{sessionId}/keyboard/type', SESSION, { body: { text: 'typed', delay: 5 } });
    const copy = await invoke(mock, 'POST /v1/sessions/{sessionId}/copy', SESSION);
    expectDeclared(t, 'POST /v1/sessions/{sessionId}/copy', copy, 200);
    t.same(copy.body, { text: 'typed' });
    t.same((await invoke(mock, get, SESSION)).body, { data: { text: 'typed' } });
    await invoke(mock, 'POST /v1/sessions/{sessionId}/paste', SESSION, { body: { text: 'pasted' } });
    t.same((await invoke(mock, get, SESSION)).body, { data: { text: 'pasted' } });
  },
);

t.test('an upload is kept; a request without the file part answers the declared 400', async (t) => {
  const { mock } = controlsWorld(t);
  const key = 'POST /v1/sessions/{sessionId}/uploads';
  const ok = await invoke(mock, key, SESSION, { files: file('report.pdf', '%PDF-1.4', 'application/pdf') });
  t.same(ok.body, { data: { status: 'success', message: 'File report.pdf uploaded (8 bytes)' } });
  t.same(
    mock.controls.uploads(SESSION).map((u) => [u.fileName, u.contentType, u.bytes.toString()]),
    [['report.pdf', 'application/pdf', '%PDF-1.4']],
  );
  const missing = await invoke(mock, key, SESSION, { files: [], fields: { other: 'x' } });
  expectDeclared(t, key, missing, 400);
  t.match(missing.message, /"file"/, 'names the missing field');
  t.equal(mock.controls.uploads(SESSION).length, 1, 'nothing stored');
});

t.test('a screenshot is a PNG that decodes', async (t) => {
  const { mock } = controlsWorld(t);
  const result = await invoke(mock, 'GET /v1/sessions/{sessionId}/screenshot', SESSION);
  t.equal(result.contentType, 'image/png');
  t.same(decodePng(result.bytes!), { width: 1440, height: 900, firstPixel: [255, 255, 255] });
});

t.test('recordings: the primary is listed and served as MP4; pause, resume and delete act on it', async (t) => {
  const { mock, clock } = controlsWorld(t);
  const list = 'GET /v1/sessions/{session_id}/recordings';
  const fetch = 'GET /v1/sessions/{session_id}/recordings/primary/fetch';
  clock.advance(65_000);
  const listed = await invoke(mock, list, FRESH_SESSION);
  expectDeclared(t, list, listed, 200);
  const item = (listed.body as { data: { count: number; items: Record<string, unknown>[] } }).data.items[0]!;
  t.match(listed.body, { data: { count: 1 } });
  t.match(item, {
    is_primary: true,
    file_link: `http://mock.test:4010/v1/sessions/${FRESH_SESSION}/recordings/primary/fetch`,
    suggested_file_name: `${FRESH_SESSION}.mp4`,
    duration: '00:01:05',
    created_at: new Date(T0).toISOString(),
  });
  const video = await invoke(mock, fetch, FRESH_SESSION);
  t.equal(video.contentType, 'video/mp4');
  t.equal(mp4Boxes(video.bytes!)[0]!.type, 'ftyp', 'starts with an ftyp box');
  t.equal(mp4DurationMs(video.bytes!), 65_000);
  t.equal(item.size, video.bytes!.length, 'the listed size is the file’s');

  const pause = await invoke(mock, 'POST /v1/sessions/{session_id}/recordings/pause', FRESH_SESSION);
  t.same(pause.body, { data: { data: { status: 'success' } } }, 'the document nests SuccessResponse under data');
  clock.advance(10_000);
  await invoke(mock, 'POST /v1/sessions/{session_id}/recordings/resume', FRESH_SESSION);
  clock.advance(1_000);
  t.equal(mp4DurationMs((await invoke(mock, fetch, FRESH_SESSION)).bytes!), 66_000, 'the paused time is not recorded');

  const del = 'DELETE /v1/sessions/{session_id}/recordings/{recording_id}';
  const unknown = await invoke(mock, del, FRESH_SESSION, {
    params: { session_id: FRESH_SESSION, recording_id: 'nope' },
  });
  expectDeclared(t, del, unknown, 404);
  expectDeclared(t, del, await invoke(mock, del, FRESH_SESSION), 200);
  t.same((await invoke(mock, list, FRESH_SESSION)).body, { data: { count: 0, items: [] } });
  expectDeclared(t, fetch, await invoke(mock, fetch, FRESH_SESSION), 404);
  expectDeclared(t, del, await invoke(mock, del, FRESH_SESSION), 404);
});

t.test('agent files: uploaded then listed (a ZIP as its files); pause and resume set the agent’s flag', async (t) => {
  const { mock, clock } = controlsWorld(t);
  const post = 'POST /v1/sessions/{sessionId}/agent/files';
  const zip = storedZip([
    { name: 'a.txt', content: 'aaa' },
    { name: 'b/c.csv', content: '1,2' },
  ]);
  const up = await invoke(mock, post, SESSION, { files: file('bundle.zip', zip, 'application/zip') });
  t.same(up.body, { data: { status: 'success', message: 'Uploaded 2 agent resources from bundle.zip' } });
  clock.advance(1000);
  await invoke(mock, post, SESSION);
  const list = await invoke(mock, 'GET /v1/sessions/{sessionId}/agent/files', SESSION);
  expectDeclared(t, 'GET /v1/sessions/{sessionId}/agent/files', list, 200);
  t.same(list.body, {
    data: {
      files: [
        { name: 'a.txt', size: 3, type: 'txt', lastModified: new Date(T0).toISOString() },
        { name: 'b/c.csv', size: 3, type: 'csv', lastModified: new Date(T0).toISOString() },
        { name: 'notes.md', size: 7, type: 'md', lastModified: new Date(T0 + 1000).toISOString() },
      ],
    },
  });
  await invoke(mock, 'POST /v1/sessions/{session_id}/agent/pause', SESSION);
  t.equal(mock.controls.agentPaused(SESSION), true);
  await invoke(mock, 'POST /v1/sessions/{session_id}/agent/resume', SESSION);
  t.equal(mock.controls.agentPaused(SESSION), false);
});

t.test('the activity log records each control with its input', async (t) => {
  const { mock } = controlsWorld(t);
  for (const key of Object.keys(OPERATIONS)) await invoke(mock, key, SESSION);
  t.same(
    mock.controls.activity(SESSION).map((e) => [e.kind, e.detail]),
    [
      ['goto', { url: 'https://example.com/' }],
      ['scroll', { x: 1, y: 2, deltaY: 300 }],
      ['click', { x: 5, y: 6 }],
      ['double_click', { x: 5, y: 6 }],
      ['mouse_down', { x: 5, y: 6 }],
      ['mouse_up', { x: 5, y: 6 }],
      ['mouse_move', { x: 5, y: 6 }],
      ['drag', { startX: 1, startY: 2, endX: 3, endY: 4 }],
      ['type', { text: 'hello' }],
      ['shortcut', { keys: ['Control', 'c'] }],
      ['clipboard_set', { text: 'clip' }],
      ['copy', { text: 'hello' }],
      ['paste', { text: 'paste me' }],
      ['upload', { file_name: 'a.txt', content_type: 'text/plain', size: 3 }],
      ['recording_pause', { recording_id: primaryRecordingIdOf(SESSION) }],
      ['recording_resume', { recording_id: primaryRecordingIdOf(SESSION) }],
      ['recording_delete', { recording_id: primaryRecordingIdOf(SESSION) }],
      ['agent_file', { file_name: 'notes.md', size: 7, files: ['notes.md'] }],
      ['agent_pause', {}],
      ['agent_resume', {}],
    ],
  );
});
