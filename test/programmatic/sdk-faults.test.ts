import t from 'tap';
import Anchorbrowser, { APIConnectionError, InternalServerError, NotFoundError } from 'anchorbrowser';
import type { MockServer } from '../../src/index.js';
import { SESSION } from '../helpers/app.js';
import { contractProblems } from '../helpers/contract.js';
import { call, expectEnvelope, KEY, startTestMock } from '../admin/live-mock.js';
import { rejectionOf } from '../helpers/rejection.js';

// The proofs, with the official SDK (anchorbrowser 0.16.x) as the client.

const sdk = (mock: MockServer, apiKey = KEY) => new Anchorbrowser({ apiKey, baseURL: mock.url, logLevel: 'off' });

t.test('a "reset" fault makes the SDK throw APIConnectionError', async (t) => {
  const mock = await startTestMock(t);
  mock.faults.add({ session_id: SESSION, error: 'reset', times: 1 });
  const err = await rejectionOf(t, sdk(mock).sessions.retrieveDownloads(SESSION));
  t.type(err, APIConnectionError);
  // The rule is spent: the next call gets the real answer.
  const result = await sdk(mock).sessions.retrieveDownloads(SESSION);
  t.same(contractProblems(200, result), []);
});

t.test('an "empty" fault (closed without a reply) also throws APIConnectionError', async (t) => {
  const mock = await startTestMock(t);
  mock.faults.add({ session_id: SESSION, error: 'empty', times: 1 });
  t.type(await rejectionOf(t, sdk(mock).sessions.retrieveDownloads(SESSION)), APIConnectionError);
});

t.test('503 twice, then success: the SDK with { maxRetries: 2 } gets the list', async (t) => {
  const mock = await startTestMock(t);
  // retry-after-ms keeps the SDK's back-off short (it would wait about 0.5 s, then 1 s).
  const rule = mock.faults.add({
    method: 'GET',
    session_id: SESSION,
    status: 503,
    times: 2,
    headers: { 'retry-after-ms': '10' },
  });
  const result = await sdk(mock).sessions.retrieveDownloads(SESSION, { maxRetries: 2 });
  t.same(contractProblems(200, result), [], 'a contract-valid body');
  t.equal(result.data?.count, 3);
  t.same(
    mock.requests({ sessionId: SESSION }).map((e) => [e.status, e.fault_id]),
    [
      [503, rule.id],
      [503, rule.id],
      [200, null],
    ],
    'the journal shows the two failures and the success',
  );
});

t.test('503 without retries: the SDK throws InternalServerError carrying the envelope', async (t) => {
  const mock = await startTestMock(t);
  mock.faults.add({ session_id: SESSION, status: 503, times: 1 });
  const err = await rejectionOf(t, sdk(mock).sessions.retrieveDownloads(SESSION));
  t.type(err, InternalServerError);
  const e = err as InternalServerError;
  t.equal(e.status, 503);
  t.same(e.error, { error: { code: 503, message: 'Service unavailable.' } });
  t.same(contractProblems(503, e.error), []);
});

t.test('Prefer: code=404 sent through the SDK makes it throw NotFoundError', async (t) => {
  const mock = await startTestMock(t);
  const err = await rejectionOf(t, sdk(mock).sessions.retrieveDownloads(SESSION, { headers: { prefer: 'code=404' } }));
  t.type(err, NotFoundError);
  t.same(contractProblems(404, (err as NotFoundError).error), []);
  t.match(mock.requests(), [{ status: 404, forced: true }]);
});

t.test('the journal never contains a key the SDK sent', async (t) => {
  const mock = await startTestMock(t);
  const keys = [KEY, 'ak_test_globex', 'ak_wrong_but_long_key'];
  for (const key of keys)
    await sdk(mock, key)
      .sessions.retrieveDownloads(SESSION)
      .catch(() => undefined);
  t.equal(mock.requests().length, 3);
  const programmatic = JSON.stringify(mock.requests());
  const overHttp = (await call(mock, '/_mock/requests')).body;
  for (const key of keys) {
    t.notOk(programmatic.includes(key), `mock.requests() does not contain ${key}`);
    t.notOk(overHttp.includes(key), `GET /_mock/requests does not contain ${key}`);
  }
});

t.test('a non-loopback admin call is refused without a token', async (t) => {
  const mock = await startTestMock(t);
  const res = await mock.app.inject({ url: '/_mock/requests', remoteAddress: '10.1.2.3' });
  expectEnvelope(t, res, 403);
  const del = await mock.app.inject({ method: 'DELETE', url: '/_mock/state', remoteAddress: '10.1.2.3' });
  expectEnvelope(t, del, 403);
  t.equal((await sdk(mock).sessions.retrieveDownloads(SESSION)).data?.count, 3, 'nothing was wiped');
});
