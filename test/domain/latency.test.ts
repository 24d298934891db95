import t from 'tap';
import { Latency, parseLatency, seededRandom } from '../../src/domain/latency.js';

const draws = (latency: Latency, n: number) => Array.from({ length: n }, () => latency.next());

t.test('parseLatency reads "N" as a fixed delay and "MIN-MAX" as a range', async (t) => {
  t.same(parseLatency('30'), { min: 30, max: 30 });
  t.same(parseLatency('0'), { min: 0, max: 0 });
  t.same(parseLatency('10-50'), { min: 10, max: 50 });
  t.same(parseLatency('25-25'), { min: 25, max: 25 }, 'an empty range is a fixed delay');
  t.same(parseLatency('  40 '), { min: 40, max: 40 }, 'surrounding spaces are ignored');
});

t.test('parseLatency refuses anything else', async (t) => {
  for (const text of ['', ' ', 'abc', '-5', '1.5', '10-', '-10', '50-10', '10 - 20', '10-20-30', '30ms', '1e3']) {
    t.equal(parseLatency(text), undefined, JSON.stringify(text));
  }
});

t.test('the same seed gives the same delay sequence', async (t) => {
  const range = { min: 10, max: 200 };
  const a = draws(new Latency(range, 42), 50);
  const b = draws(new Latency(range, 42), 50);
  t.same(a, b);
  t.not(new Set(a).size, 1, 'the sequence is not constant');
});

t.test('different seeds give different sequences', async (t) => {
  const range = { min: 0, max: 1000 };
  t.notSame(draws(new Latency(range, 1), 20), draws(new Latency(range, 2), 20));
});

t.test('every delay is a whole number of milliseconds within [min, max], both ends reachable', async (t) => {
  const latency = new Latency({ min: 5, max: 8 }, 7);
  const values = draws(latency, 2000);
  t.ok(
    values.every((v) => Number.isInteger(v) && v >= 5 && v <= 8),
    'all within [5, 8]',
  );
  t.same([...new Set(values)].sort(), [5, 6, 7, 8], 'every value of the range occurs, the ends included');
});

t.test('a fixed delay is always that delay', async (t) => {
  t.same(draws(new Latency({ min: 30, max: 30 }, 99), 5), [30, 30, 30, 30, 30]);
});

t.test('seededRandom answers numbers in [0, 1), repeatably', async (t) => {
  const r1 = seededRandom(123);
  const r2 = seededRandom(123);
  const a = Array.from({ length: 1000 }, () => r1());
  const b = Array.from({ length: 1000 }, () => r2());
  t.same(a, b);
  t.ok(
    a.every((x) => x >= 0 && x < 1),
    'all within [0, 1)',
  );
});
