import Database from 'better-sqlite3';
import { join } from 'node:path';
import t from 'tap';
import { Clock } from '../../src/domain/clock.js';
import { MockContext } from '../../src/domain/mock-context.js';
import {
  ACTIVITY_STRING_LIMIT,
  pageIdOf,
  primaryRecordingIdOf,
  sessionState,
  titleOf,
} from '../../src/domain/sessions/session-controls.js';
import { zipEntries } from '../../src/domain/sessions/zip-directory.js';
import { migrations } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';
import { controlsWorld, EMPTY_SESSION, ENDED_SESSION, OTHER_SESSION, SESSION, T0 } from '../helpers/controls-world.js';
import { decodePng, mp4Boxes, mp4DurationMs, storedZip } from '../helpers/media.js';

const running = { state: 'running', createdAt: T0 } as const;

t.test('sessionState: the account’s own session, running unless its status says otherwise', async (t) => {
  const { mock } = controlsWorld(t);
  t.equal(sessionState(mock, 'acme', SESSION), 'running');
  t.equal(sessionState(mock, 'acme', ENDED_SESSION), 'ended');
  t.equal(sessionState(mock, 'acme', 'nope'), undefined, 'unknown');
  t.equal(sessionState(mock, 'acme', OTHER_SESSION), undefined, 'another account’s');
  t.equal(sessionState(mock, 'globex', OTHER_SESSION), 'running');
});

t.test('a session nothing has navigated has one blank tab; goto points it at the URL', async (t) => {
  const { mock } = controlsWorld(t);
  t.same(mock.controls.pages(SESSION), [{ id: pageIdOf(SESSION, 0), url: 'about:blank', title: 'about:blank' }]);
  t.match(pageIdOf(SESSION, 0), /^[0-9A-F]{32}$/, 'a CDP-style target id');
  mock.controls.goto(SESSION, 'https://portal.example.com/reports/q1?x=1', {
    url: 'https://portal.example.com/reports/q1?x=1',
  });
  t.same(mock.controls.pages(SESSION), [
    {
      id: pageIdOf(SESSION, 0),
      url: 'https://portal.example.com/reports/q1?x=1',
      title: 'portal.example.com/reports/q1',
    },
  ]);
  t.same(mock.controls.pages(EMPTY_SESSION)[0]!.url, 'about:blank', 'other sessions untouched');
  t.equal(titleOf('https://example.com/'), 'example.com');
  t.equal(titleOf('data:text/plain,hi'), 'data:text/plain,hi');
});

t.test('clipboard: empty at first; set then get round-trips; copy copies the typed text; paste fills it', async (t) => {
  const { mock } = controlsWorld(t);
  t.equal(mock.controls.clipboard(SESSION), '');
  mock.controls.setClipboard(SESSION, 'héllo 報告');
  t.equal(mock.controls.clipboard(SESSION), 'héllo 報告');
  t.equal(mock.controls.clipboard(EMPTY_SESSION), '', 'per session');
  mock.controls.type(SESSION, 'typed text', { text: 'typed text' });
  t.equal(mock.controls.copy(SESSION), 'typed text');
  t.equal(mock.controls.clipboard(SESSION), 'typed text', 'copy puts it on the clipboard');
  mock.controls.paste(SESSION, 'pasted');
  t.equal(mock.controls.clipboard(SESSION), 'pasted');
  t.equal(mock.controls.copy(SESSION), 'pasted', 'pasted text is in the field');
  t.equal(mock.controls.copy(EMPTY_SESSION), '', 'nothing typed: nothing copied');
});

t.test('a screenshot is a PNG of the default viewport, white on a blank tab, coloured after a goto', async (t) => {
  const { mock } = controlsWorld(t);
  const blank = decodePng(mock.controls.screenshot(SESSION));
  t.same(blank, { width: 1440, height: 900, firstPixel: [255, 255, 255] });
  mock.controls.goto(SESSION, 'https://example.com/', { url: 'https://example.com/' });
  const page = decodePng(mock.controls.screenshot(SESSION));
  t.equal(page.width, 1440);
  t.not(page.firstPixel.join(), '255,255,255', 'the page changed the picture');
  t.same(decodePng(mock.controls.screenshot(SESSION, { width: 3, height: 2 })).width, 3, 'another viewport');
});

t.test('an upload is kept with its bytes, in order', async (t) => {
  const { mock, clock } = controlsWorld(t);
  mock.controls.upload(SESSION, { fileName: 'a.txt', contentType: 'text/plain', bytes: Buffer.from('abc') });
  clock.advance(1000);
  mock.controls.upload(SESSION, { fileName: 'b.bin', contentType: 'application/octet-stream', bytes: Buffer.alloc(0) });
  t.same(
    mock.controls.uploads(SESSION).map((u) => [u.fileName, u.contentType, u.size, u.bytes.toString(), u.at]),
    [
      ['a.txt', 'text/plain', 3, 'abc', T0],
      ['b.bin', 'application/octet-stream', 0, '', T0 + 1000],
    ],
  );
  t.same(mock.controls.uploads(EMPTY_SESSION), []);
});

t.test('the primary recording runs from the session start; pause stops its clock, resume restarts it', async (t) => {
  const { mock, clock } = controlsWorld(t);
  const [primary] = mock.controls.recordings(SESSION, running);
  t.equal(primary!.id, primaryRecordingIdOf(SESSION));
  t.equal(primary!.isPrimary, true);
  t.equal(primary!.durationMs, 0);
  clock.advance(10_000);
  mock.controls.setRecordingPaused(SESSION, primary!, true);
  clock.advance(5_000);
  t.equal(mock.controls.findRecording(SESSION, running, 'primary')!.durationMs, 10_000, 'paused: not growing');
  t.equal(mock.controls.findRecording(SESSION, running, 'primary')!.paused, true);
  mock.controls.setRecordingPaused(SESSION, primary!, true);
  mock.controls.setRecordingPaused(SESSION, primary!, false);
  mock.controls.setRecordingPaused(SESSION, primary!, false);
  clock.advance(2_000);
  const resumed = mock.controls.findRecording(SESSION, running, primary!.id)!;
  t.equal(resumed.durationMs, 12_000, 'the second pause and resume changed nothing');
  t.equal(resumed.paused, false);
  const ended = mock.controls.findRecording(
    SESSION,
    { state: 'ended', createdAt: T0, endedAt: T0 + 11_000 },
    'primary',
  );
  t.equal(ended!.durationMs, 6_000, 'an ended session’s recording stops at its end');
});

t.test('the recording video is an MP4: ftyp first, then a moov whose header holds the duration', async (t) => {
  const { mock, clock } = controlsWorld(t);
  clock.advance(83_250);
  const video = mock.controls.video(mock.controls.findRecording(SESSION, running, 'primary')!);
  const boxes = mp4Boxes(video);
  t.same(
    boxes.map((b) => b.type),
    ['ftyp', 'moov'],
  );
  t.equal(boxes[0]!.body.toString('latin1', 0, 4), 'isom', 'major brand');
  t.equal(mp4DurationMs(video), 83_250);
});

t.test('a deleted recording is gone for good', async (t) => {
  const { mock } = controlsWorld(t);
  const primary = mock.controls.findRecording(SESSION, running, 'primary')!;
  mock.controls.deleteRecording(SESSION, primary);
  t.same(mock.controls.recordings(SESSION, running), [], 'not recreated by the next read');
  t.equal(mock.controls.findRecording(SESSION, running, 'primary'), undefined);
  t.equal(mock.controls.recordings(EMPTY_SESSION, running).length, 1, 'other sessions keep theirs');
});

t.test('agent files: a file is listed by name, size and extension; a ZIP by the files it holds', async (t) => {
  const { mock, clock } = controlsWorld(t);
  mock.controls.addAgentFile(SESSION, { fileName: 'notes.MD', bytes: Buffer.from('# hi') });
  clock.advance(500);
  const zip = storedZip([
    { name: 'docs/', content: '' },
    { name: 'docs/a.txt', content: 'aaaa' },
    { name: 'b.json', content: '{}' },
  ]);
  const added = mock.controls.addAgentFile(SESSION, { fileName: 'bundle.zip', bytes: zip });
  t.same(
    added.map((f) => f.name),
    ['docs/a.txt', 'b.json'],
  );
  t.same(mock.controls.agentFiles(SESSION), [
    { name: 'b.json', size: 2, type: 'json', lastModified: T0 + 500 },
    { name: 'docs/a.txt', size: 4, type: 'txt', lastModified: T0 + 500 },
    { name: 'notes.MD', size: 4, type: 'md', lastModified: T0 },
  ]);
  mock.controls.addAgentFile(SESSION, { fileName: 'broken.zip', bytes: Buffer.from('not a zip') });
  t.ok(
    mock.controls.agentFiles(SESSION).some((f) => f.name === 'broken.zip' && f.type === 'zip'),
    'kept as a file',
  );
});

t.test('zipEntries refuses what is not a ZIP', async (t) => {
  t.equal(zipEntries(Buffer.from('short')), undefined);
  t.equal(zipEntries(Buffer.alloc(100)), undefined);
  const zip = storedZip([{ name: 'a', content: 'x' }]);
  zip.writeUInt32LE(0, zip.length - 22 - 47); // break the central entry's signature
  t.equal(zipEntries(zip), undefined);
});

t.test('the agent’s paused flag', async (t) => {
  const { mock } = controlsWorld(t);
  t.equal(mock.controls.agentPaused(SESSION), false);
  mock.controls.setAgentPaused(SESSION, true);
  t.equal(mock.controls.agentPaused(SESSION), true);
  t.equal(mock.controls.agentPaused(EMPTY_SESSION), false);
  mock.controls.setAgentPaused(SESSION, false);
  t.equal(mock.controls.agentPaused(SESSION), false);
});

t.test('the activity log keeps every control with its input and time, oldest first', async (t) => {
  const { mock, clock } = controlsWorld(t);
  mock.controls.goto(SESSION, 'https://example.com/', { url: 'https://example.com/' });
  clock.advance(250);
  mock.controls.record(SESSION, 'click', { x: 10, y: 20, button: 'left' });
  mock.controls.type(SESSION, 'x'.repeat(ACTIVITY_STRING_LIMIT + 10), { text: 'x'.repeat(ACTIVITY_STRING_LIMIT + 10) });
  mock.controls.record(SESSION, 'shortcut', { keys: ['Control', 'a'] });
  mock.controls.upload(SESSION, { fileName: 'a.txt', contentType: 'text/plain', bytes: Buffer.from('abc') });
  mock.controls.setAgentPaused(SESSION, true);
  const log = mock.controls.activity(SESSION);
  t.same(
    log.map((e) => [e.at, e.kind]),
    [
      [T0, 'goto'],
      [T0 + 250, 'click'],
      [T0 + 250, 'type'],
      [T0 + 250, 'shortcut'],
      [T0 + 250, 'upload'],
      [T0 + 250, 'agent_pause'],
    ],
  );
  t.same(log[0]!.detail, { url: 'https://example.com/' });
  t.same(log[1]!.detail, { x: 10, y: 20, button: 'left' });
  t.same(log[2]!.detail, { text: 'x'.repeat(ACTIVITY_STRING_LIMIT), text_length: ACTIVITY_STRING_LIMIT + 10 });
  t.same(log[3]!.detail, { keys: ['Control', 'a'] });
  t.same(log[4]!.detail, { file_name: 'a.txt', content_type: 'text/plain', size: 3 });
  t.same(mock.controls.activity(EMPTY_SESSION), []);
});

t.test('the state lives in the database: it survives a restart, and goes with its session', async (t) => {
  const file = join(t.testdir(), 'mock.db');
  const first = controlsWorld(t, { file });
  first.mock.controls.goto(SESSION, 'https://example.com/a', { url: 'https://example.com/a' });
  first.mock.controls.setClipboard(SESSION, 'kept');
  first.mock.store.close();

  const store = new Store({ path: file });
  t.teardown(() => store.close());
  const mock = new MockContext({
    store,
    clock: new Clock({ mode: 'manual', now: T0 }),
    rateLimit: false,
    signedUrlTtlSeconds: 60,
  });
  t.equal(mock.controls.pages(SESSION)[0]!.url, 'https://example.com/a');
  t.equal(mock.controls.clipboard(SESSION), 'kept');
  t.equal(mock.controls.activity(SESSION).length, 2);
  mock.wipe();
  t.equal(mock.controls.clipboard(SESSION), '', 'wiping the sessions wiped their controls');
  t.equal(mock.controls.activity(SESSION).length, 0);
  t.same(store.db.prepare('SELECT COUNT(*) AS n FROM session_pages').get(), { n: 0 });
});

t.test('a database written before the controls existed upgrades, its sessions drivable at once', async (t) => {
  const file = join(t.testdir(), 'old.db');
  // As a release with the first two migrations wrote it: plain SQL, since today's statements need today's schema.
  const old = new Database(file);
  for (const m of migrations.slice(0, 2)) old.exec(m);
  old.exec(`INSERT INTO accounts VALUES ('acme'); INSERT INTO sessions VALUES ('s', 'acme', ${T0});`);
  old.pragma('user_version = 2');
  old.close();
  const store = new Store({ path: file });
  t.teardown(() => store.close());
  const mock = new MockContext({
    store,
    clock: new Clock({ mode: 'manual', now: T0 }),
    rateLimit: false,
    signedUrlTtlSeconds: 60,
  });
  mock.controls.goto('s', 'https://example.com/', { url: 'https://example.com/' });
  t.equal(mock.controls.pages('s')[0]!.url, 'https://example.com/');
});
