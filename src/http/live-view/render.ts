/** What a session's live view page shows: everything a person watching a session can learn without a browser. */
export interface LiveView {
  session: { id: string; status: string; created_at: number; tags: string[] };
  /** What the session's REST controls did, oldest first; `at` in milliseconds on the mock clock. */
  activity: { at: number; kind: string; detail: unknown }[];
  downloads: { original_file_name: string; size: number; created_at: number }[];
}

/** Seconds between reloads while the session runs; an ended session's page stands still. */
export const REFRESH_SECONDS = 2;

/** Longest detail the activity table repeats; beyond it the text is cut and marked. */
const DETAIL_LIMIT = 300;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) ? date.toISOString() : String(ms);
}

function cut(text: string): string {
  return text.length <= DETAIL_LIMIT ? text : `${text.slice(0, DETAIL_LIMIT)}… (${text.length} characters)`;
}

function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function field(detail: unknown, name: string): unknown {
  return typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>)[name] : undefined;
}

/** The activity a reader looks for first, by the names the control requests use. */
const NAVIGATION = new Set(['goto']);
const CLICKS = new Set(['click', 'double_click']);
const TYPING = new Set(['type']);

/** One line for an activity entry: its URL, text or position when it has one, its JSON otherwise. */
export function describeActivity(kind: string, detail: unknown): string {
  const url = field(detail, 'url');
  if (NAVIGATION.has(kind) && typeof url === 'string') return cut(url);
  const text = field(detail, 'text');
  if (TYPING.has(kind) && typeof text === 'string') return cut(JSON.stringify(text));
  const [x, y] = [field(detail, 'x'), field(detail, 'y')];
  if (CLICKS.has(kind) && typeof x === 'number' && typeof y === 'number') {
    const button = field(detail, 'button');
    return `(${x}, ${y})${typeof button === 'string' ? ` ${cut(button)} button` : ''}`;
  }
  return detail === undefined ? '' : cut(compactJson(detail));
}

function humanSize(bytes: number): string {
  const units = ['KB', 'MB', 'GB'];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]} (${bytes} bytes)`;
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1c1c1c; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.8rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .6rem; vertical-align: top; }
th { background: #f1f1f1; } tr + tr td { border-top: 1px solid #e4e4e4; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { font-weight: 600; }
code, td.detail { font-family: ui-monospace, monospace; font-size: .9em; overflow-wrap: anywhere; }
.empty, .note { color: #666; } .status { font-weight: 700; }
.tag { display: inline-block; background: #eef; border-radius: .3rem; padding: 0 .4rem; margin-right: .3rem; }`;

function page(title: string, body: string, head = ''): string {
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `${head}<title>${escapeHtml(title)}</title>\n<style>${STYLE}\n</style>\n</head>\n<body>\n${body}</body>\n</html>\n`
  );
}

function list(items: string[], empty: string): string {
  if (items.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>\n`;
  return `<ol>\n${items.map((i) => `<li>${i}</li>\n`).join('')}</ol>\n`;
}

function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>\n`;
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.join('')}</tr>\n`).join('');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}</tbody>\n</table>\n`;
}

function entries(view: LiveView, kinds: Set<string>) {
  return view.activity.filter((a) => kinds.has(a.kind));
}

/** The live view page of a session: self-contained HTML, every value escaped. */
export function renderLiveView(view: LiveView): string {
  const { session } = view;
  const running = session.status === 'running';
  const tags = session.tags.length
    ? session.tags.map((t) => `<span class="tag">${escapeHtml(t)}</span>`).join('')
    : '<span class="empty">none</span>';
  const when = (at: number) => `<time datetime="${escapeHtml(isoTime(at))}">${escapeHtml(isoTime(at))}</time>`;
  const line = (a: LiveView['activity'][number]) =>
    `${when(a.at)} <code>${escapeHtml(describeActivity(a.kind, a.detail))}</code>`;
  const body =
    `<h1>Session <code>${escapeHtml(session.id)}</code></h1>\n` +
    '<p class="note">anchorbrowser-mock runs no browser: this page shows what the session\'s REST controls did' +
    (running ? `, and reloads every ${REFRESH_SECONDS} seconds while it runs.</p>\n` : '.</p>\n') +
    '<dl>\n' +
    `<dt>Status</dt><dd class="status" id="status">${escapeHtml(session.status)}</dd>\n` +
    `<dt>Created</dt><dd>${when(session.created_at)}</dd>\n` +
    `<dt>Tags</dt><dd id="tags">${tags}</dd>\n` +
    '</dl>\n' +
    '<h2>Navigations</h2>\n' +
    list(entries(view, NAVIGATION).map(line), 'No navigation yet.') +
    '<h2>Clicks</h2>\n' +
    list(
      entries(view, CLICKS).map((a) => `${line(a)}${a.kind === 'double_click' ? ' (double)' : ''}`),
      'No click yet.',
    ) +
    '<h2>Typed text</h2>\n' +
    list(entries(view, TYPING).map(line), 'Nothing typed yet.') +
    '<h2>Downloads</h2>\n' +
    table(
      ['File', 'Size', 'Created'],
      view.downloads.map((d) => [
        `<td>${escapeHtml(d.original_file_name)}</td>`,
        `<td>${escapeHtml(humanSize(d.size))}</td>`,
        `<td>${when(d.created_at)}</td>`,
      ]),
      'No download yet.',
    ) +
    '<h2>All activity</h2>\n' +
    table(
      ['At', 'Kind', 'Detail'],
      view.activity.map((a) => [
        `<td>${when(a.at)}</td>`,
        `<td>${escapeHtml(a.kind)}</td>`,
        `<td class="detail">${escapeHtml(describeActivity(a.kind, a.detail))}</td>`,
      ]),
      'No activity yet.',
    );
  const refresh = running ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">\n` : '';
  return page(`Live view · ${session.status} · ${session.id}`, body, refresh);
}

/** The page for an id that names no session (or none this live view may show). */
export function renderLiveViewNotFound(sessionId: string): string {
  return page(
    'Live view · session not found',
    `<h1>No session <code>${escapeHtml(sessionId)}</code></h1>\n` +
      '<p class="note">This mock holds no session with that id. It may have been removed by a reset.</p>\n',
  );
}
