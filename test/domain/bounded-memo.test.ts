import t from 'tap';
import { boundedMemo } from '../../src/domain/bounded-memo.js';

t.test('computes once per argument', async (t) => {
  const calls: string[] = [];
  const upper = boundedMemo((s) => {
    calls.push(s);
    return s.toUpperCase();
  });
  t.equal(upper('a'), 'A');
  t.equal(upper('a'), 'A');
  t.equal(upper('b'), 'B');
  t.same(calls, ['a', 'b']);
});

t.test('past its limit it starts over instead of growing', async (t) => {
  const calls: string[] = [];
  const same = boundedMemo((s) => {
    calls.push(s);
    return s;
  }, 2);
  same('a');
  same('b');
  same('c'); // third distinct argument: forgets a and b
  same('c');
  same('a');
  t.same(calls, ['a', 'b', 'c', 'a']);
});
