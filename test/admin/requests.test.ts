import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import t, { type Test } from 'tap';
import YAML from 'yaml';
import { JournalResponse, type JournalEntry } from '../../src/schemas/admin-schemas.js';
import {
  buildTestApp,
  EMPTY_SESSION,
  expectContract,
  fileUrl,
  listUrl,
  OTHER_SESSION,
  SESSION,
  T0,
} from '../helpers/app.js';
import type { MockServer } from '../../src/index.js';
import { admin, call, keyHeader, KEY, startTestMock, type HttpAnswer } from './live-mock.js';

// GET /_mock/requests and DELETE /_mock/requests: the journal of the emulated API.

/** The documented fingerprint: first 4 characters, '…', the first 8 hex digits of the key's SHA-256. */
const fingerprint = (key: string) => `${key.slice(0, 4)}…${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;

t.test('every request to the emulated API is journaled, oldest first, with what was asked and answered', async (t) => {
  const mock = await startTestMock(t);
  const list = await call(mock, listUrl(SESSION), { headers: keyHeader });
  expectContract(t, list, 200);
  mock.clock.advance(1500);
  expectContract(t, await call(mock, `${listUrl('no-such-session')}?x=1`, { headers: keyHeader }), 404);
  const file = await call(mock, fileUrl(SESSION, 'dl-b'), { headers: keyHeader });
  t.equal(file.body, '%PDF-1.4 pretend');

  const res = await admin(mock, 'GET', '/requests');
  t.equal(res.statusCode, 200);
  t.equal(res.json.data.count, 3);
  const [first, second, third] = res.json.data.items;
  t.same(first, {
    id: first.id,
    time: new Date(T0).toISOString(),
    method: 'GET',
    path: listUrl(SESSION),
    session_id: SESSION,
    status: 200,
    duration_ms: first.duration_ms,
    response_bytes: Buffer.byteLength(list.body),
    key_fingerprint: fingerprint(KEY),
    forced: false,
    fault_id: null,
    content_type: null,
    body: null,
    body_truncated: false,
  });
  t.type(first.duration_ms, 'number');
  t.ok(first.duration_ms >= 0);
  t.match(
    second,
    {
      time: new Date(T0 + 1500).toISOString(),
      path: listUrl('no-such-session'),
      session_id: 'no-such-session',
      status: 404,
    },
    'the path without its query; the time from the mock clock',
  );
  t.match(third, { path: fileUrl(SESSION, 'dl-b'), session_id: SESSION, status: 200, response_bytes: 16 });
  t.ok(first.id < second.id && second.id < third.id, 'ids increase');
});

t.test('a HEAD request is journaled with its status and 0 response bytes', async (t) => {
  const { app } = await buildTestApp(t);
  await app.inject({ method: 'HEAD', url: listUrl(SESSION), headers: { 'anchor-api-key': 'ak_test_acme' } });
  const journal = JSON.parse((await app.inject({ url: '/_mock/requests' })).body);
  t.match(journal.data.items, [{ method: 'HEAD', status: 200, response_bytes: 0 }]);
});

t.test('/_mock calls and /_mock/health are not journaled', async (t) => {
  const mock = await startTestMock(t);
  await call(mock, '/_mock/health');
  await admin(mock, 'GET', '/state');
  await admin(mock, 'GET', '/requests');
  t.same((await admin(mock, 'GET', '/requests')).json, { data: { count: 0, items: [] } });
});

t.test(
  'a request without a key is journaled with a null fingerprint, an unknown key with its fingerprint',
  async (t) => {
    const mock = await startTestMock(t);
    expectContract(t, await call(mock, listUrl(SESSION)), 401);
    expectContract(t, await call(mock, listUrl(SESSION), { headers: { 'anchor-api-key': 'ak_unknown_key' } }), 401);
    const items = (await admin(mock, 'GET', '/requests')).json.data.items;
    t.same(
      items.map((e: { status: number; key_fingerprint: string | null }) => [e.status, e.key_fingerprint]),
      [
        [401, null],
        [401, fingerprint('ak_unknown_key')],
      ],
    );
  },
);

t.test('the journal never holds a key: not of a valid key, an unknown key, or a fault rule', async (t) => {
  const mock = await startTestMock(t);
  const keys = ['ak_test_acme', 'ak_test_globex', 'ak_never_seen_before', 'ak_test_tight'];
  await admin(mock, 'POST', '/faults', { api_key: 'ak_test_tight', status: 503 });
  for (const key of keys) await call(mock, listUrl(SESSION), { headers: { 'anchor-api-key': key } });
  await call(mock, listUrl(OTHER_SESSION), { headers: { 'anchor-api-key': 'ak_test_globex' } });

  const journal = await admin(mock, 'GET', '/requests');
  t.equal(journal.json.data.count, 5);
  const faults = await admin(mock, 'GET', '/faults');
  for (const key of keys) {
    t.notOk(journal.body.includes(key), `the journal does not contain ${key}`);
    t.notOk(JSON.stringify(mock.requests()).includes(key), `mock.requests() does not contain ${key}`);
    t.notOk(faults.body.includes(key), `the fault list does not contain ${key}`);
  }
  t.same(
    new Set(journal.json.data.items.map((e: { key_fingerprint: string }) => e.key_fingerprint)),
    new Set(keys.map(fingerprint)),
  );
});

t.test('filters: session_id, status, since and limit', async (t) => {
  const mock = await startTestMock(t);
  // t=0: sess-1 200; t=1s: empty 200; t=2s: unknown 404; t=3s: sess-1 200
  await call(mock, listUrl(SESSION), { headers: keyHeader });
  mock.clock.advance(1000);
  await call(mock, listUrl(EMPTY_SESSION), { headers: keyHeader });
  mock.clock.advance(1000);
  await call(mock, listUrl('nope'), { headers: keyHeader });
  mock.clock.advance(1000);
  await call(mock, listUrl(SESSION), { headers: keyHeader });

  const query = async (q: string) =>
    (await admin(mock, 'GET', `/requests?${q}`)).json.data.items.map(
      (e: { session_id: string; time: string }) => `${e.session_id}@${(Date.parse(e.time) - T0) / 1000}`,
    );
  t.same(await query(`session_id=${SESSION}`), [`${SESSION}@0`, `${SESSION}@3`]);
  t.same(await query('status=404'), ['nope@2']);
  t.same(
    await query(`since=${new Date(T0 + 2000).toISOString()}`),
    ['nope@2', `${SESSION}@3`],
    'since includes that very time',
  );
  t.same(await query('since=2026-01-01T01:00:01.500%2B01:00'), ['nope@2', `${SESSION}@3`], 'since accepts an offset');
  t.same(await query('limit=2'), ['nope@2', `${SESSION}@3`], 'the newest 2, oldest first');
  t.same(await query(`session_id=${SESSION}&limit=1`), [`${SESSION}@3`]);
  const counted = await admin(mock, 'GET', '/requests?status=200');
  t.equal(counted.json.data.count, 3, 'count is the number of items answered');
});

t.test('invalid filters answer 400 in the envelope', async (t) => {
  const mock = await startTestMock(t);
  for (const q of ['limit=0', 'limit=x', 'since=yesterday', 'status=999', 'sessionId=s1']) {
    const res = await admin(mock, 'GET', `/requests?${q}`);
    t.equal(res.statusCode, 400, q);
    t.equal(res.json.error.code, 400);
  }
});

t.test('DELETE /_mock/requests empties the journal', async (t) => {
  const mock = await startTestMock(t);
  await call(mock, listUrl(SESSION), { headers: keyHeader });
  const res = await admin(mock, 'DELETE', '/requests');
  t.equal(res.statusCode, 204);
  t.equal(res.body, '');
  t.same((await admin(mock, 'GET', '/requests')).json, { data: { count: 0, items: [] } });
  await call(mock, listUrl(SESSION), { headers: keyHeader });
  t.equal((await admin(mock, 'GET', '/requests')).json.data.count, 1, 'journaling goes on');
});

t.test('with journalSize 3 the journal keeps only the last 3 requests', async (t) => {
  const mock = await startTestMock(t, { journalSize: 3 });
  const sessions = ['a', 'b', 'c', 'd', 'e'];
  for (const s of sessions) await call(mock, listUrl(s), { headers: keyHeader });
  const items = (await admin(mock, 'GET', '/requests')).json.data.items;
  t.same(
    items.map((e: { session_id: string }) => e.session_id),
    ['c', 'd', 'e'],
    'a and b were dropped, oldest first',
  );
});

// Vendor operations with bodies: their answers are checked against the vendor's own document.
const vendor = YAML.parse(
  readFileSync(new URL('../../contract/anchorbrowser-openapi.yaml', import.meta.url), 'utf8'),
) as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content: Record<string, { schema: unknown }> }> }>
  >;
  components: unknown;
};
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
ajv.addSchema({ $id: 'vendor', components: vendor.components });

/** Asserts the status and the vendor document's JSON schema for an answer of `method path`. */
function expectVendor(t: Test, res: HttpAnswer, method: string, path: string, status: number) {
  t.equal(res.statusCode, status, `${method} ${path}: status ${status}`);
  const schema = vendor.paths[path]![method]!.responses[String(status)]!.content['application/json']!.schema;
  const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"vendor#/components/')));
  t.ok(validate(JSON.parse(res.body)), `the answer matches the vendor document: ${ajv.errorsText(validate.errors)}`);
}

/** GET /_mock/requests, checked against the admin API's own schema. */
async function journal(t: Test, mock: MockServer, query = ''): Promise<JournalEntry[]> {
  const res = await admin(mock, 'GET', `/requests${query}`);
  t.equal(res.statusCode, 200);
  const parsed = JournalResponse.safeParse(res.json);
  t.ok(parsed.success, `the journal matches its schema: ${parsed.error?.message ?? ''}`);
  return res.json.data.items as JournalEntry[];
}

const json = { ...keyHeader, 'content-type': 'application/json' };

t.test('a JSON body is journaled as it was sent; a body-less GET has none', async (t) => {
  const mock = await startTestMock(t);
  const created = await call(mock, '/v1/profiles', { method: 'POST', headers: json, body: { name: 'x' } });
  expectVendor(t, created, 'post', '/v1/profiles', 200);
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);

  const [post, get] = await journal(t, mock);
  t.match(post, { method: 'POST', path: '/v1/profiles', status: 200, key_fingerprint: fingerprint(KEY) });
  t.same([post!.content_type, post!.body, post!.body_truncated], ['application/json', { name: 'x' }, false]);
  t.same([get!.content_type, get!.body, get!.body_truncated], [null, null, false], 'the GET has no body');
  t.same(mock.requests({ method: 'post' }), [post], 'mock.requests() answers the same entry');
});

t.test('a body whose JSON passes 16 KB is journaled cut to 16 KB and marked', async (t) => {
  const mock = await startTestMock(t);
  const body = { name: 'big', description: 'd'.repeat(40 * 1024) };
  const created = await call(mock, '/v1/profiles', { method: 'POST', headers: json, body });
  expectVendor(t, created, 'post', '/v1/profiles', 200);
  const [entry] = await journal(t, mock, '?path=/v1/profiles');
  const text = JSON.stringify(body);
  t.equal(entry!.body_truncated, true);
  t.same(entry!.body, { truncated: true, bytes: Buffer.byteLength(text), text: text.slice(0, 16 * 1024) });
  t.same(mock.requests({ path: '/v1/profiles' }), [entry], 'mock.requests() answers the same entry');
});

t.test('passwords are redacted at any depth: the proxy of a created session, and deeper', async (t) => {
  const mock = await startTestMock(t);
  const proxy = { active: true, type: 'custom', server: 'proxy.example:8080', username: 'me', password: 'hunter2' };
  const body = {
    session: { proxy },
    identities: [{ credentials: [{ type: 'username_password', username: 'me', password: 'swordfish' }] }],
  };
  expectVendor(
    t,
    await call(mock, '/v1/sessions', { method: 'POST', headers: json, body }),
    'post',
    '/v1/sessions',
    200,
  );
  const res = await admin(mock, 'GET', '/requests?method=POST');
  t.notOk(/hunter2|swordfish/.test(res.body), 'neither password is in the journal');
  const [entry] = await journal(t, mock, '?method=POST');
  t.same(entry!.body, {
    session: { proxy: { ...proxy, password: '[redacted]' } },
    identities: [{ credentials: [{ type: 'username_password', username: 'me', password: '[redacted]' }] }],
  });
  t.notOk(JSON.stringify(mock.requests()).includes('hunter2'), 'nor in mock.requests()');
  t.notOk(JSON.stringify(mock.requests()).includes(KEY), 'nor the key');
});

t.test('the request key is redacted wherever a body carries it', async (t) => {
  const mock = await startTestMock(t);
  const body = { name: `copied ${KEY} by mistake`, 'anchor-api-key': 'ak_test_globex' };
  expectVendor(
    t,
    await call(mock, '/v1/profiles', { method: 'POST', headers: json, body }),
    'post',
    '/v1/profiles',
    200,
  );
  const res = await admin(mock, 'GET', '/requests');
  t.notOk(res.body.includes(KEY) || res.body.includes('ak_test_globex'), 'no key in the journal');
  t.same((await journal(t, mock))[0]!.body, { name: 'copied [redacted] by mistake', 'anchor-api-key': '[redacted]' });
});

t.test('a multipart upload is journaled as a summary: fields, and files by name, type and size', async (t) => {
  const mock = await startTestMock(t);
  const form = new FormData();
  form.append('note', 'for the form');
  form.append('password', 'hunter2');
  form.append('file', new Blob([Buffer.alloc(3000, 7)], { type: 'application/pdf' }), 'invoice.pdf');
  const created = await fetch(mock.url + '/v1/sessions', {
    method: 'POST',
    headers: { ...keyHeader, 'content-type': 'application/json' },
    body: '{}',
  });
  const session = ((await created.json()) as { data: { id: string } }).data.id;
  const url = `/v1/sessions/${session}/uploads`;
  const res = await fetch(mock.url + url, { method: 'POST', headers: keyHeader, body: form });
  const answer = { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  expectVendor(t, answer, 'post', '/v1/sessions/{sessionId}/uploads', 200);
  const [entry] = await journal(t, mock, `?session_id=${session}`);
  t.match(entry, { method: 'POST', path: url, content_type: 'multipart/form-data', body_truncated: false });
  const summary = entry!.body as { bytes: number };
  t.same(summary, {
    fields: [
      { field: 'note', value: 'for the form' },
      { field: 'password', value: '[redacted]' },
    ],
    files: [{ field: 'file', file_name: 'invoice.pdf', content_type: 'application/pdf', size: 3000 }],
    bytes: summary.bytes,
  });
  t.ok(summary.bytes > 3000, 'bytes: the whole body');
  t.same(mock.requests({ sessionId: session }), [entry], 'mock.requests() answers the same entry');
});

t.test('a request refused before its body is read is journaled without it', async (t) => {
  const mock = await startTestMock(t);
  const res = await call(mock, '/v1/profiles', { method: 'POST', body: { name: 'x' } });
  t.equal(res.statusCode, 401);
  t.match(await journal(t, mock), [{ status: 401, content_type: null, body: null, body_truncated: false }]);
});

t.test('filters: method in any case and path with * as a wildcard, from HTTP and from code', async (t) => {
  const mock = await startTestMock(t);
  await call(mock, '/v1/profiles', { method: 'POST', headers: json, body: { name: 'a' } });
  await call(mock, listUrl(SESSION), { headers: keyHeader });
  await call(mock, listUrl(EMPTY_SESSION), { headers: keyHeader });
  const paths = (items: JournalEntry[]) => items.map((e) => e.path);
  t.same(paths(await journal(t, mock, '?method=get')), [listUrl(SESSION), listUrl(EMPTY_SESSION)]);
  t.same(paths(await journal(t, mock, '?path=/v1/sessions/*/downloads')), [listUrl(SESSION), listUrl(EMPTY_SESSION)]);
  t.same(paths(await journal(t, mock, '?path=/v1/profiles&method=POST')), ['/v1/profiles']);
  t.same(paths(await journal(t, mock, '?path=/v1/prof')), [], 'a path without * is matched whole');
  t.same(paths(mock.requests({ method: 'GET', path: '*' })), [listUrl(SESSION), listUrl(EMPTY_SESSION)]);
  for (const q of ['method=G-T', 'path=v1/profiles']) {
    const res = await admin(mock, 'GET', `/requests?${q}`);
    t.equal(res.statusCode, 400, q);
    t.equal(res.json.error.code, 400);
  }
});
