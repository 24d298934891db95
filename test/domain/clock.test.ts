import t from 'tap';
import { Clock } from '../../src/domain/clock.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** A wall clock the test moves by hand. */
function fakeWall(start: number) {
  let now = start;
  return {
    read: () => now,
    move: (ms: number) => {
      now += ms;
    },
  };
}

t.test('a manual clock stands still while the wall clock runs', async (t) => {
  const wall = fakeWall(T0 + 999_999);
  const clock = new Clock({ mode: 'manual', now: T0, wall: wall.read });
  t.equal(clock.mode, 'manual');
  t.equal(clock.now(), T0);
  wall.move(60_000);
  t.equal(clock.now(), T0, 'still frozen a minute of wall time later');
});

t.test('a manual clock moves only by advance and set', async (t) => {
  const clock = new Clock({ mode: 'manual', now: T0, wall: () => 0 });
  t.equal(clock.advance(1500), T0 + 1500, 'advance returns the new reading');
  t.equal(clock.now(), T0 + 1500);
  t.equal(clock.advance(0), T0 + 1500, 'advancing by zero is allowed and changes nothing');
  t.equal(clock.set(T0 - 10_000), T0 - 10_000, 'set may go backwards');
  t.equal(clock.now(), T0 - 10_000);
});

t.test('a manual clock without a start time starts at the wall reading', async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ mode: 'manual', wall: wall.read });
  wall.move(5000);
  t.equal(clock.now(), T0);
});

t.test('a real clock follows the wall clock', async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ wall: wall.read });
  t.equal(clock.mode, 'real', 'real is the default mode');
  t.equal(clock.now(), T0);
  wall.move(1234);
  t.equal(clock.now(), T0 + 1234);
});

t.test('a real clock started at a given time keeps that offset from the wall', async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ mode: 'real', now: T0 - 3_600_000, wall: wall.read });
  t.equal(clock.now(), T0 - 3_600_000);
  wall.move(250);
  t.equal(clock.now(), T0 - 3_600_000 + 250);
});

t.test('advance on a real clock adds to its offset and it keeps running', async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ wall: wall.read });
  t.equal(clock.advance(10_000), T0 + 10_000);
  wall.move(5);
  t.equal(clock.now(), T0 + 10_005);
  clock.advance(1);
  t.equal(clock.now(), T0 + 10_006, 'offsets add up');
});

t.test('set on a real clock jumps to that time and it keeps running', async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ wall: wall.read });
  t.equal(clock.set(T0 + 86_400_000), T0 + 86_400_000);
  wall.move(7);
  t.equal(clock.now(), T0 + 86_400_007);
});

t.test('advance refuses a negative, NaN or infinite step and leaves the time alone', async (t) => {
  for (const mode of ['manual', 'real'] as const) {
    const clock = new Clock({ mode, now: T0, wall: () => T0 });
    for (const ms of [-1, -0.5, NaN, Infinity, -Infinity]) {
      t.throws(() => clock.advance(ms), RangeError, `${mode}: advance(${ms}) throws a RangeError`);
    }
    t.equal(clock.now(), T0, `${mode}: the reading did not change`);
  }
});

t.test('set refuses a non-finite time and leaves the time alone', async (t) => {
  const clock = new Clock({ mode: 'manual', now: T0, wall: () => 0 });
  for (const v of [NaN, Infinity, -Infinity]) t.throws(() => clock.set(v), RangeError);
  t.equal(clock.now(), T0);
});

t.test('switching from manual to real keeps the reading, then follows the wall', async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ mode: 'manual', now: T0, wall: wall.read });
  clock.advance(30_000);
  wall.move(90_000); // wall time passing while frozen is not counted
  clock.setMode('real');
  t.equal(clock.mode, 'real');
  t.equal(clock.now(), T0 + 30_000, 'no jump on the switch');
  wall.move(400);
  t.equal(clock.now(), T0 + 30_400);
});

t.test('switching from real to manual freezes at the current reading', async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ mode: 'real', now: T0 + 5000, wall: wall.read });
  wall.move(100);
  clock.setMode('manual');
  t.equal(clock.mode, 'manual');
  t.equal(clock.now(), T0 + 5100);
  wall.move(100);
  t.equal(clock.now(), T0 + 5100, 'frozen after the switch');
});

t.test('switching to the mode a clock already has changes nothing', async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ mode: 'real', now: T0 + 42, wall: wall.read });
  clock.setMode('real');
  wall.move(8);
  t.equal(clock.now(), T0 + 50);
  const manual = new Clock({ mode: 'manual', now: T0, wall: wall.read });
  manual.setMode('manual');
  t.equal(manual.now(), T0);
});

t.test('round trips between modes never move the time', async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ mode: 'manual', now: T0, wall: wall.read });
  for (let i = 0; i < 5; i++) {
    const before = clock.now();
    clock.setMode(i % 2 === 0 ? 'real' : 'manual');
    t.equal(clock.now(), before, `switch ${i + 1} keeps ${before}`);
  }
});

t.test('setToWall: a real clock drops its offset and follows the wall clock again', async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ mode: 'manual', now: T0 - 86_400_000, wall: wall.read });
  wall.move(60_000);
  clock.setMode('real');
  t.equal(clock.now(), T0 - 86_400_000, 'real mode alone resumes from where the clock stood');
  t.equal(clock.setToWall(), T0 + 60_000, 'setToWall returns the wall reading');
  wall.move(250);
  t.equal(clock.now(), T0 + 60_250, 'and keeps following the wall');
  clock.advance(1000);
  clock.setToWall();
  t.equal(clock.now(), T0 + 60_250, 'an advance made since is dropped too');
});

t.test("setToWall: a manual clock stands at the wall clock's time, still frozen", async (t) => {
  const wall = fakeWall(T0);
  const clock = new Clock({ mode: 'manual', now: T0 - 5000, wall: wall.read });
  t.equal(clock.setToWall(), T0);
  wall.move(100);
  t.equal(clock.mode, 'manual');
  t.equal(clock.now(), T0, 'frozen at the wall reading it was given');
});
