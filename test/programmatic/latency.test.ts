import t from 'tap';
import { Latency } from '../../src/domain/latency.js';
import { startMockServer, type MockServerOptions } from '../../src/index.js';
import { expectContract, fileUrl, listUrl, SESSION } from '../helpers/app.js';
import { call, keyHeader, startTestMock } from '../admin/live-mock.js';

// The latency option delays every emulated request; the control routes answer at once.

// Timers may fire a fraction of a millisecond early against performance.now().
const SLACK_MS = 1;

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; elapsed: number }> {
  const started = performance.now();
  const result = await work();
  return { result, elapsed: performance.now() - started };
}

t.test('latency: 30 delays every emulated request by at least 30 ms', async (t) => {
  const mock = await startTestMock(t, { latency: 30 });
  for (const url of [listUrl(SESSION), listUrl('nope'), fileUrl(SESSION, 'dl-b')]) {
    const { result, elapsed } = await timed(() => call(mock, url, { headers: keyHeader }));
    t.ok(result.statusCode === 200 || result.statusCode === 404, url);
    if (result.headers['content-type']?.startsWith('application/json')) expectContract(t, result, result.statusCode);
    t.ok(elapsed >= 30 - SLACK_MS, `${url} took ${elapsed.toFixed(1)} ms`);
  }
});

t.test('latency {min, max} delays each request by at least min', async (t) => {
  const mock = await startTestMock(t, { latency: { min: 20, max: 40 } });
  for (let i = 0; i < 3; i++) {
    const { result, elapsed } = await timed(() => call(mock, listUrl(SESSION), { headers: keyHeader }));
    expectContract(t, result, 200);
    t.ok(elapsed >= 20 - SLACK_MS, `request ${i} took ${elapsed.toFixed(1)} ms`);
  }
});

t.test(
  '/_mock/health and the control routes are not delayed: they answer while an emulated request waits',
  async (t) => {
    const mock = await startTestMock(t, { latency: 400 });
    const order: string[] = [];
    const slow = call(mock, listUrl(SESSION), { headers: keyHeader }).then((res) => {
      order.push('list');
      return res;
    });
    const health = await call(mock, '/_mock/health');
    order.push('health');
    const state = await call(mock, '/_mock/state');
    order.push('state');
    t.equal(health.statusCode, 200);
    t.equal(state.statusCode, 200);
    expectContract(t, await slow, 200);
    t.same(order, ['health', 'state', 'list']);
  },
);

t.test('the latencySeed option picks the delay sequence; the default seed is 1', async (t) => {
  const range = { min: 1, max: 1000 };
  const seeded = await startTestMock(t, { latency: range, latencySeed: 7 });
  const unseeded = await startTestMock(t, { latency: range });
  const draws = (l: Latency | undefined) => Array.from({ length: 10 }, () => l?.next());
  t.same(draws(seeded.app.mock.latency), draws(new Latency(range, 7)));
  t.same(draws(unseeded.app.mock.latency), draws(new Latency(range, 1)));
});

t.test('the old option name seed is refused with a one-line hint naming latencySeed', async (t) => {
  // As a JavaScript caller would pass it; the types no longer have it.
  const options = { latency: { min: 1, max: 1000 }, seed: 7 } as MockServerOptions;
  const outcome = await startMockServer(options).then(
    async (mock) => {
      await mock.close();
      return 'started';
    },
    (err: unknown) => err,
  );
  t.type(outcome, TypeError);
  t.match((outcome as Error).message, /^[^\n]*\bseed\b[^\n]*\blatencySeed\b[^\n]*$/, 'one line naming both names');
});

t.test('without latency nothing is delayed', async (t) => {
  const mock = await startTestMock(t);
  t.equal(mock.app.mock.latency, undefined);
});
