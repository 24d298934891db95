import { Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import t from 'tap';
import { LogDestination, MAX_PENDING_BYTES } from '../../src/cli/log-destination.js';

// The CLI's log destination degrades instead of blocking or throwing: to
// stderr once stdout fails, then to nothing; lines a stalled reader cannot
// take are dropped.

/** A stream that records what it takes, or fails every write with `code`. */
function sink(failWith?: string) {
  const lines: string[] = [];
  let attempts = 0;
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      attempts++;
      if (failWith) done(Object.assign(new Error(`write ${failWith}`), { code: failWith }));
      else {
        lines.push(chunk);
        done();
      }
    },
  });
  return { stream, lines, attempts: () => attempts };
}

t.test('while stdout works, lines go there only', async (t) => {
  const out = sink();
  const err = sink();
  const dest = new LogDestination([out.stream, err.stream]);
  dest.write('a\n');
  dest.write('b\n');
  await tick();
  t.same(out.lines, ['a\n', 'b\n']);
  t.same(err.lines, []);
});

t.test('once stdout fails (EPIPE), the lost line and all later ones go to stderr, never stdout again', async (t) => {
  const out = sink('EPIPE');
  const err = sink();
  const dest = new LogDestination([out.stream, err.stream]);
  dest.write('a\n');
  await tick();
  dest.write('b\n');
  await tick();
  t.same(err.lines, ['a\n', 'b\n']);
  t.equal(out.attempts(), 1, 'stdout was tried once');
});

t.test('once both fail, lines go nowhere, and nothing throws or emits an unhandled error', async (t) => {
  const out = sink('EPIPE');
  const err = sink('EIO');
  const dest = new LogDestination([out.stream, err.stream]);
  for (const line of ['a\n', 'b\n', 'c\n']) {
    t.doesNotThrow(() => dest.write(line));
    await tick();
  }
  t.equal(out.attempts() + err.attempts(), 2, 'each stream was tried once');
});

t.test('a stream whose reader stopped reading gets its allowance; later lines are dropped, not queued', async (t) => {
  const stalled = new Writable({ highWaterMark: 1024, write() {} }); // never calls back, like a full pipe
  const err = sink();
  const dest = new LogDestination([stalled, err.stream]);
  const line = `${'x'.repeat(1023)}\n`;
  for (let i = 0; i < (2 * MAX_PENDING_BYTES) / line.length; i++) dest.write(line);
  await tick();
  const waiting = stalled.writableLength;
  t.ok(waiting <= MAX_PENDING_BYTES, `${waiting} bytes wait, at most ${MAX_PENDING_BYTES}`);
  t.ok(stalled.writableLength > MAX_PENDING_BYTES - line.length, 'the allowance was used');
  t.same(err.lines, [], 'a slow stdout is not a failed one: nothing moved to stderr');
});
