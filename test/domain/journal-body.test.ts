import t from 'tap';
import {
  FIELD_VALUE_LIMIT,
  JOURNAL_BODY_LIMIT,
  snapshotBody,
  summariseMultipart,
  utf8Prefix,
} from '../../src/domain/journal-body.js';

// What the journal keeps of a request body: redacted, cut, or summarised.

const KEY = 'ak_test_acme';
const parsed = (json: string) => JSON.parse(json) as unknown;

/** A multipart body as the platform's FormData encodes it, with its content-type header. */
async function encode(form: FormData): Promise<{ contentType: string; body: Buffer }> {
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { contentType: request.headers.get('content-type')!, body: Buffer.from(await request.arrayBuffer()) };
}

t.test('a JSON body is kept as it came, with its media type', async (t) => {
  const body = { name: 'x', tags: ['a', 'b'], nested: { n: 1, ok: true, none: null } };
  const snap = snapshotBody('Application/JSON; charset=utf-8', body, KEY);
  t.equal(snap.contentType, 'application/json');
  t.equal(snap.truncated, false);
  t.same(parsed(snap.json), body);
  t.same(parsed(snapshotBody('text/plain', 'hello', undefined).json), 'hello', 'a text body is a JSON string');
});

t.test('a property named password is redacted at any depth and in any case, whatever its value', async (t) => {
  const body = {
    session: { proxy: { active: true, type: 'custom', server: 'p.example', username: 'u', password: 'hunter2' } },
    identities: [{ credentials: [{ type: 'username_password', username: 'u', Password: { nested: 'secret' } }] }],
    PASSWORD: 42,
    'anchor-api-key': 'ak_someone_else',
    password_hint: 'kept',
  };
  const snap = snapshotBody('application/json', body, KEY);
  t.same(parsed(snap.json), {
    session: { proxy: { active: true, type: 'custom', server: 'p.example', username: 'u', password: '[redacted]' } },
    identities: [{ credentials: [{ type: 'username_password', username: 'u', Password: '[redacted]' }] }],
    PASSWORD: '[redacted]',
    'anchor-api-key': '[redacted]',
    password_hint: 'kept',
  });
  t.notOk(/hunter2|secret|ak_someone_else/.test(snap.json));
  t.equal(body.session.proxy.password, 'hunter2', 'the request body itself is left alone');
});

t.test("the request's own key is redacted wherever it appears, in values and names", async (t) => {
  const body = { note: `key=${KEY};`, list: [KEY], [`${KEY}-x`]: 1 };
  const snap = snapshotBody('application/json', body, KEY);
  t.same(parsed(snap.json), { note: 'key=[redacted];', list: ['[redacted]'], '[redacted]-x': 1 });
  t.same(parsed(snapshotBody('application/json', body, 'ak_other').json), body, 'another key is not looked for');
});

t.test('a body whose JSON is longer than 16 KB is cut and marked, after redaction', async (t) => {
  const body = { proxy: { password: 'hunter2' }, filler: 'x'.repeat(40 * 1024) };
  const snap = snapshotBody('application/json', body, KEY);
  t.equal(snap.truncated, true);
  const cut = parsed(snap.json) as { truncated: boolean; bytes: number; text: string };
  const whole = JSON.stringify({ proxy: { password: '[redacted]' }, filler: body.filler });
  t.same(Object.keys(cut), ['truncated', 'bytes', 'text']);
  t.equal(cut.truncated, true);
  t.equal(cut.bytes, Buffer.byteLength(whole), 'bytes: the whole redacted JSON');
  t.equal(cut.text, whole.slice(0, JOURNAL_BODY_LIMIT), 'text: its first 16 KB');
  t.notOk(snap.json.includes('hunter2'));
});

t.test('the limit is in bytes of UTF-8: a body at the limit is whole, one byte more is cut', async (t) => {
  // JSON of {"a":"…"} is 8 bytes plus the string.
  const at = snapshotBody('application/json', { a: 'y'.repeat(JOURNAL_BODY_LIMIT - 8) }, KEY);
  t.equal(at.truncated, false);
  const over = snapshotBody('application/json', { a: 'y'.repeat(JOURNAL_BODY_LIMIT - 7) }, KEY);
  t.equal(over.truncated, true);
  const wide = snapshotBody('application/json', { a: 'é'.repeat(JOURNAL_BODY_LIMIT / 2) }, KEY);
  t.equal(wide.truncated, true, 'two bytes a character: over the limit at half as many characters');
  const { text } = parsed(wide.json) as { text: string };
  t.ok(Buffer.byteLength(text) <= JOURNAL_BODY_LIMIT && !text.includes('\ufffd'), 'no character is split');
});

t.test('utf8Prefix cuts on a character boundary', async (t) => {
  t.equal(utf8Prefix('aé', 2), 'a', 'é is two bytes: it does not fit in the second byte');
  t.equal(utf8Prefix('a😀b', 4), 'a', 'nor half of a four-byte character');
  t.equal(utf8Prefix('a😀b', 5), 'a😀');
  t.equal(utf8Prefix('abc', 10), 'abc');
});

t.test('a multipart body is summarised: fields with their values, files by name, type and size', async (t) => {
  const form = new FormData();
  form.append('session_id', 's1');
  form.append('note', 'héllo');
  form.append('file', new Blob([Buffer.alloc(5000, 1)], { type: 'application/pdf' }), 'report.pdf');
  form.append('file', new Blob(['abc']), 'a b "c".txt');
  form.append('password', 'hunter2');
  form.append('long', 'z'.repeat(FIELD_VALUE_LIMIT + 10));
  const { contentType, body } = await encode(form);
  const snap = snapshotBody(contentType, body, KEY);
  t.equal(snap.contentType, 'multipart/form-data');
  t.same(parsed(snap.json), {
    fields: [
      { field: 'session_id', value: 's1' },
      { field: 'note', value: 'héllo' },
      { field: 'password', value: '[redacted]' },
      { field: 'long', value: 'z'.repeat(FIELD_VALUE_LIMIT), size: FIELD_VALUE_LIMIT + 10, truncated: true },
    ],
    files: [
      { field: 'file', file_name: 'report.pdf', content_type: 'application/pdf', size: 5000 },
      // FormData escapes a quote in a file name as %22 on the wire; the journal shows the wire's name.
      { field: 'file', file_name: 'a b %22c%22.txt', content_type: 'application/octet-stream', size: 3 },
    ],
    bytes: body.length,
  });
  t.notOk(snap.json.includes('hunter2'));
});

t.test('a multipart body of many parts lists them up to 16 KB of summary and counts the rest', async (t) => {
  const form = new FormData();
  for (let i = 0; i < 100; i++) form.append(`f${i}`, 'v'.repeat(FIELD_VALUE_LIMIT));
  const { contentType, body } = await encode(form);
  const summary = summariseMultipart(contentType, body);
  t.ok(summary.fields.length > 0 && summary.fields.length < 100);
  t.equal(summary.fields.length + (summary.omitted ?? 0), 100, 'listed and omitted make every part');
  t.same(summary.fields[0], { field: 'f0', value: 'v'.repeat(FIELD_VALUE_LIMIT) });
  t.equal(snapshotBody(contentType, body, KEY).truncated, false, 'the summary itself stays under the cap');
});

t.test('a multipart body that cannot be read is marked unreadable, with its size', async (t) => {
  const body = Buffer.from('not multipart at all');
  t.same(summariseMultipart('multipart/form-data', body), { fields: [], files: [], bytes: 20, unreadable: true });
  t.same(summariseMultipart('multipart/form-data; boundary=zzz', body), {
    fields: [],
    files: [],
    bytes: 20,
    unreadable: true,
  });
  const quoted = Buffer.from('--a b\r\nContent-Disposition: form-data; name="k"\r\n\r\nv\r\n--a b--\r\n');
  t.same(summariseMultipart('multipart/form-data; boundary="a b"', quoted), {
    fields: [{ field: 'k', value: 'v' }],
    files: [],
    bytes: quoted.length,
  });
});

t.test('bytes of another type are journaled by size only', async (t) => {
  const snap = snapshotBody('application/octet-stream', Buffer.alloc(300), KEY);
  t.same(parsed(snap.json), { bytes: 300 });
});
