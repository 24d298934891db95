import t from 'tap';
import {
  describeActivity,
  escapeHtml,
  REFRESH_SECONDS,
  renderLiveView,
  renderLiveViewNotFound,
  type LiveView,
} from '../../../src/http/live-view/render.js';

// renderLiveView is a pure function of what the session did: what a person
// opening live_view_url reads, with every value shown as text.

const AT = Date.parse('2026-01-01T00:00:00.000Z');
const EVIL = '<script>alert("x")</script>';

type Overrides = Omit<Partial<LiveView>, 'session'> & { session?: Partial<LiveView['session']> };

function view(overrides: Overrides = {}): LiveView {
  return {
    activity: [],
    downloads: [],
    ...overrides,
    session: { id: 'sess-1', status: 'completed', created_at: AT, tags: [], ...overrides.session },
  };
}

t.test('the page names the session, its status, when it was created and its tags', async (t) => {
  const html = renderLiveView(view({ session: { status: 'running', tags: ['invoices', 'q1'] } }));
  t.match(html, /^<!doctype html>/);
  t.match(html, '<title>Live view · running · sess-1</title>');
  t.match(html, '<dd class="status" id="status">running</dd>');
  t.match(html, '2026-01-01T00:00:00.000Z');
  t.match(html, '<span class="tag">invoices</span><span class="tag">q1</span>');
});

t.test('a running session reloads itself; an ended one does not', async (t) => {
  const refresh = `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">`;
  t.match(renderLiveView(view({ session: { status: 'running' } })), refresh);
  t.notMatch(renderLiveView(view({ session: { status: 'completed' } })), 'http-equiv');
  t.notMatch(renderLiveView(view({ session: { status: 'failed' } })), 'http-equiv');
});

t.test('navigations, clicks and typed text have their own sections; everything is in the activity table', async (t) => {
  const html = renderLiveView(
    view({
      activity: [
        { at: AT + 1000, kind: 'goto', detail: { url: 'https://portal.example.com/reports/' } },
        { at: AT + 2000, kind: 'click', detail: { x: 10, y: 20, button: 'left' } },
        { at: AT + 3000, kind: 'double_click', detail: { x: 5, y: 6 } },
        { at: AT + 4000, kind: 'type', detail: { text: 'hello world' } },
        { at: AT + 5000, kind: 'scroll', detail: { x: 0, y: 0, deltaY: 300 } },
      ],
    }),
  );
  const section = (name: string) => html.slice(html.indexOf(`<h2>${name}</h2>`)).split('<h2>')[1]!;
  t.match(section('Navigations'), 'https://portal.example.com/reports/');
  t.notMatch(section('Navigations'), 'hello world');
  t.match(section('Clicks'), '(10, 20) left button');
  t.match(section('Clicks'), '(5, 6)</code> (double)');
  t.match(section('Typed text'), '&quot;hello world&quot;');
  t.match(section('All activity'), '<td>scroll</td>');
  t.match(section('All activity'), '{&quot;x&quot;:0,&quot;y&quot;:0,&quot;deltaY&quot;:300}');
  t.match(section('All activity'), '2026-01-01T00:00:05.000Z');
});

t.test('empty sections say so', async (t) => {
  const html = renderLiveView(view());
  for (const empty of ['No navigation yet.', 'No click yet.', 'Nothing typed yet.', 'No download yet.']) {
    t.match(html, empty);
  }
  t.match(html, '<dd id="tags"><span class="empty">none</span></dd>');
});

t.test('downloads show their names, sizes and times, and no link', async (t) => {
  const html = renderLiveView(
    view({
      downloads: [
        { original_file_name: 'report.pdf', size: 16, created_at: AT },
        { original_file_name: 'big.zip', size: 3 * 1024 * 1024, created_at: AT + 1 },
      ],
    }),
  );
  t.match(html, '<td>report.pdf</td>');
  t.match(html, '<td>16 B</td>');
  t.match(html, '<td>3.0 MB (3145728 bytes)</td>');
  t.notMatch(html, '<a ');
});

t.test('every value is escaped: id, status, tags, kinds, details and file names show as text', async (t) => {
  const html = renderLiveView(
    view({
      session: { id: EVIL, status: EVIL, tags: [EVIL] },
      activity: [
        { at: AT, kind: 'goto', detail: { url: EVIL } },
        { at: AT, kind: EVIL, detail: { note: EVIL } },
        { at: AT, kind: 'type', detail: { text: EVIL } },
      ],
      downloads: [{ original_file_name: EVIL, size: 1, created_at: AT }],
    }),
  );
  t.notMatch(html, /<script/i, 'no script element');
  t.notMatch(html, 'alert("x")', 'no unescaped quote');
  t.match(html, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  t.match(renderLiveViewNotFound(EVIL), '<h1>No session <code>&lt;script&gt;');
  t.notMatch(renderLiveViewNotFound(EVIL), /<script/i);
  t.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
});

t.test('odd details and times render instead of throwing', async (t) => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  t.equal(describeActivity('scroll', circular), '[object Object]');
  t.equal(describeActivity('scroll', { n: 1n }), '[object Object]');
  t.equal(describeActivity('goto', undefined), '');
  t.equal(describeActivity('goto', { url: 42 }), '{"url":42}', 'a goto without a string url shows its JSON');
  t.equal(describeActivity('click', { selector: '#ok' }), '{"selector":"#ok"}');
  const long = describeActivity('type', { text: 'x'.repeat(1000) });
  t.match(long, /^"x{299}… \(1002 characters\)$/);
  const html = renderLiveView(
    view({ session: { created_at: Number.NaN }, activity: [{ at: 1e20, kind: 'k', detail: null }] }),
  );
  t.match(html, '<dt>Created</dt><dd><time datetime="NaN">NaN</time></dd>');
  t.match(html, '<td class="detail">null</td>');
  t.match(html, '<td><time datetime="100000000000000000000">');
});
