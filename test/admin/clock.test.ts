import t from 'tap';
import type { Test } from 'tap';
import { JSON_CONTENT_TYPE } from '../../src/http/errors.js';
import type { MockServer } from '../../src/index.js';
import { buildTestApp, expectContract, listUrl, SESSION, T0 } from '../helpers/app.js';
import { admin, call, expectEnvelope, keyHeader, startTestMock } from './live-mock.js';

// GET/POST /_mock/clock: the clock behind buckets and signed-URL expiry, moved
// over HTTP so a suite in another process never sleeps.

const iso = (ms: number) => new Date(ms).toISOString();

t.test('GET /_mock/clock answers the mode and the time', async (t) => {
  const mock = await startTestMock(t);
  const res = await admin(mock, 'GET', '/clock');
  t.equal(res.statusCode, 200);
  t.same(res.json, { data: { mode: 'manual', now: iso(T0), epoch_ms: T0 } });
});

t.test('{"advance_ms": N} moves the manual clock forward and answers the new time', async (t) => {
  const mock = await startTestMock(t);
  const res = await admin(mock, 'POST', '/clock', { advance_ms: 1500 });
  t.equal(res.statusCode, 200);
  t.same(res.json, { data: { mode: 'manual', now: iso(T0 + 1500), epoch_ms: T0 + 1500 } });
  t.equal(mock.clock.now(), T0 + 1500, 'the programmatic clock is the same clock');
});

t.test('{"now": "<ISO>"} sets the time, offsets included', async (t) => {
  const mock = await startTestMock(t);
  t.same(
    (await admin(mock, 'POST', '/clock', { now: '2030-06-01T12:00:00.000Z' })).json.data.now,
    '2030-06-01T12:00:00.000Z',
  );
  t.same(
    (await admin(mock, 'POST', '/clock', { now: '2030-06-01T12:00:00+02:00' })).json.data.now,
    '2030-06-01T10:00:00.000Z',
  );
});

t.test('{"mode": "real"} lets the clock run from where it stood; "manual" freezes it again', async (t) => {
  const mock = await startTestMock(t);
  const real = await admin(mock, 'POST', '/clock', { mode: 'real' });
  t.equal(real.json.data.mode, 'real');
  t.ok(real.json.data.epoch_ms >= T0 && real.json.data.epoch_ms < T0 + 60_000, 'no jump on switching');
  const manual = await admin(mock, 'POST', '/clock', { mode: 'manual' });
  t.equal(manual.json.data.mode, 'manual');
  t.same((await admin(mock, 'GET', '/clock')).json, manual.json, 'frozen again');
});

t.test('{"mode": "real", "now": "wall"} follows the wall clock again; the programmatic clock agrees', async (t) => {
  const mock = await startTestMock(t);
  const before = Date.now();
  const res = await admin(mock, 'POST', '/clock', { mode: 'real', now: 'wall' });
  const after = Date.now();
  t.equal(res.statusCode, 200);
  t.equal(res.json.data.mode, 'real');
  t.ok(res.json.data.epoch_ms >= before && res.json.data.epoch_ms <= after, "the wall clock's time, not T0");
  t.equal(res.json.data.now, iso(res.json.data.epoch_ms));
  const later = mock.clock.now();
  t.ok(later >= res.json.data.epoch_ms && later <= Date.now(), 'it runs with the wall clock');
});

t.test('{"now": "wall"} on a manual clock sets it to the wall clock\'s time and keeps it frozen', async (t) => {
  const mock = await startTestMock(t);
  const before = Date.now();
  const res = await admin(mock, 'POST', '/clock', { now: 'wall' });
  t.equal(res.json.data.mode, 'manual');
  t.ok(res.json.data.epoch_ms >= before && res.json.data.epoch_ms <= Date.now());
  t.same((await admin(mock, 'GET', '/clock')).json, res.json, 'frozen there');
});

t.test('mock.clock.setToWall() is the same move from code', async (t) => {
  const mock = await startTestMock(t, { clock: { mode: 'real', now: T0 } });
  const before = Date.now();
  const now = mock.clock.setToWall();
  t.ok(now >= before && now <= Date.now());
  const res = await admin(mock, 'GET', '/clock');
  t.ok(res.json.data.epoch_ms >= now && res.json.data.epoch_ms <= Date.now(), 'the admin API sees it');
});

t.test('mode and a move can go together', async (t) => {
  const mock = await startTestMock(t, { clock: 'real' });
  const res = await admin(mock, 'POST', '/clock', { mode: 'manual', now: iso(T0) });
  t.same(res.json.data, { mode: 'manual', now: iso(T0), epoch_ms: T0 });
});

t.test('invalid clock bodies answer 400 in the envelope and leave the clock alone', async (t) => {
  const mock = await startTestMock(t);
  const bodies = [
    {},
    { advance_ms: -1 },
    { advance_ms: 1, now: iso(T0) },
    { advance_ms: 1, now: 'wall' },
    { now: 'tomorrow' },
    { now: 'WALL' },
    { mode: 'fast' },
    { advance: 5 },
  ];
  for (const body of bodies) {
    expectEnvelope(t, await admin(mock, 'POST', '/clock', body), 400);
  }
  t.equal(mock.clock.now(), T0);
});

t.test('a time before 1970 answers 400 in the envelope and leaves the clock where it was', async (t) => {
  const { app, clock } = await buildTestApp(t);
  for (const now of ['1960-01-01T00:00:00Z', '0000-01-01T00:00:00Z']) {
    const res = await app.inject({ method: 'POST', url: '/_mock/clock', payload: { now } });
    t.equal(res.statusCode, 400, now);
    t.equal(JSON.parse(res.body).error.code, 400);
  }
  t.equal(clock.now(), T0);
});

t.test('advancing the clock refills a bucket: 200, 429, advance 1000 ms, 200', async (t) => {
  const mock = await startTestMock(t, { rateLimit: { capacity: 1, refillPerSecond: 1 } });
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
  const limited = await call(mock, listUrl(SESSION), { headers: keyHeader });
  expectContract(t, limited, 429);
  t.equal(limited.headers['retry-after-ms'], '1000');
  await admin(mock, 'POST', '/clock', { advance_ms: 999 });
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 429);
  await admin(mock, 'POST', '/clock', { advance_ms: 1 });
  expectContract(t, await call(mock, listUrl(SESSION), { headers: keyHeader }), 200);
});

/**
 * Fetch Session Download's SignedUrl; its 200 body is checked against the reference's shape (not in the contract
 * copy).
 */
async function signedUrl(t: Test, mock: MockServer, downloadId: string): Promise<string> {
  const res = await call(mock, `/v1/sessions/${SESSION}/downloads/${downloadId}/fetch`, { headers: keyHeader });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], JSON_CONTENT_TYPE);
  const body = JSON.parse(res.body) as { data: { status: string; SignedUrl: string; message: string } };
  t.same(Object.keys(body.data).sort(), ['SignedUrl', 'message', 'status']);
  t.equal(body.data.status, 'success');
  t.type(body.data.message, 'string');
  t.ok(body.data.SignedUrl.startsWith(`${mock.url}/`), 'the signed URL points at the mock');
  return body.data.SignedUrl;
}

t.test('advancing the clock past the TTL expires a signed URL: 200, then 403', async (t) => {
  const mock = await startTestMock(t, { signedUrlTtlSeconds: 60 });
  const url = await signedUrl(t, mock, 'dl-b');
  const first = await fetch(url);
  t.equal(first.status, 200);
  t.equal(await first.text(), '%PDF-1.4 pretend', 'no key needed');

  await admin(mock, 'POST', '/clock', { advance_ms: 60_000 });
  t.equal((await fetch(url)).status, 200, 'still valid at the very second it expires');
  await admin(mock, 'POST', '/clock', { advance_ms: 1000 });
  const expired = await fetch(url);
  const body = expectContract(
    t,
    { statusCode: expired.status, headers: Object.fromEntries(expired.headers), body: await expired.text() },
    403,
  );
  t.match(body.error.message, /expired/);

  // A fresh one works again.
  t.equal((await fetch(await signedUrl(t, mock, 'dl-b'))).status, 200);
});
