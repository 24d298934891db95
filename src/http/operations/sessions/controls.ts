import { applySessionRules } from '../../../domain/sessions/session-rules.js';
import type { OperationCall, OperationResult, StatefulHandlers } from '../../../contract/stateful.js';
import type { MockContext } from '../../../domain/mock-context.js';
import type { ActivityKind } from '../../../domain/sessions/session-controls.js';
import { bodyOf, done, withSession } from './control-guard.js';
import { recordingHandlers } from './recordings.js';
import { sessionFileHandlers } from './session-files.js';

/** Where a page of the session can be watched: the session's live view, opened on that tab. */
export function pageFrontendUrl(publicUrl: string, sessionId: string, pageId: string): string {
  return `${publicUrl}/live/sessions/${encodeURIComponent(sessionId)}?page_id=${encodeURIComponent(pageId)}`;
}

const running = { param: 'sessionId', ended: 404 } as const;

/** A control that changes nothing the API reads back: logged with its input, answered `success`. */
function logged(kind: ActivityKind) {
  return (call: OperationCall, mock: MockContext): OperationResult =>
    withSession(call, mock, running, (id) => {
      mock.controls.record(id, kind, bodyOf(call));
      return done();
    });
}

/** http(s), ftp, file, data, about and the like: any absolute URL a browser's address bar takes. */
function invalidUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || url === '') return 'url is required';
  try {
    new URL(url);
    return undefined;
  } catch {
    return `url is not an absolute URL: ${url.length > 200 ? `${url.slice(0, 200)}…` : url}`;
  }
}

const textOf = (call: OperationCall) => {
  const text = bodyOf(call).text;
  return typeof text === 'string' ? text : '';
};

/** The session-scoped controls, by `METHOD /path` as the vendor document spells each. */
export const controlHandlers: StatefulHandlers = {
  'POST /v1/sessions/{sessionId}/goto': (call, mock) =>
    withSession(call, mock, running, (id) => {
      const input = bodyOf(call);
      const problem = invalidUrl(input.url);
      if (problem) return { status: 400, message: problem };
      const url = input.url as string;
      mock.controls.goto(id, url, input);
      mock.sessions.addDomain(id, url);
      const tags = mock.sessions.get(call.account.id, id, call.now)?.tags ?? [];
      applySessionRules(mock, id, call.account.id, { tags, url }, call.now);
      return done();
    }),

  'GET /v1/sessions/{session_id}/pages': (call, mock) =>
    withSession(call, mock, { param: 'session_id', ended: 404 }, (id) => {
      const items = mock.controls.pages(id).map((p) => ({
        id: p.id,
        title: p.title,
        url: p.url,
        frontend_url: pageFrontendUrl(mock.publicUrl, id, p.id),
      }));
      return { status: 200, body: { data: { count: items.length, items } } };
    }),

  'POST /v1/sessions/{sessionId}/scroll': logged('scroll'),
  'POST /v1/sessions/{sessionId}/mouse/click': logged('click'),
  'POST /v1/sessions/{sessionId}/mouse/doubleClick': logged('double_click'),
  'POST /v1/sessions/{sessionId}/mouse/down': logged('mouse_down'),
  'POST /v1/sessions/{sessionId}/mouse/up': logged('mouse_up'),
  'POST /v1/sessions/{sessionId}/mouse/move': logged('mouse_move'),
  'POST /v1/sessions/{sessionId}/drag-and-drop': logged('drag'),
  'POST /v1/sessions/{sessionId}/keyboard/shortcut': logged('shortcut'),

  'POST /v1/sessions/{sessionId}/keyboard/type': (call, mock) =>
    withSession(call, mock, running, (id) => {
      mock.controls.type(id, textOf(call), bodyOf(call));
      return done();
    }),

  'GET /v1/sessions/{sessionId}/clipboard': (call, mock) =>
    withSession(call, mock, running, (id) => ({
      status: 200,
      body: { data: { text: mock.controls.clipboard(id) } },
    })),

  'POST /v1/sessions/{sessionId}/clipboard': (call, mock) =>
    withSession(call, mock, running, (id) => {
      mock.controls.setClipboard(id, textOf(call));
      return done();
    }),

  'POST /v1/sessions/{sessionId}/copy': (call, mock) =>
    withSession(call, mock, running, (id) => ({ status: 200, body: { text: mock.controls.copy(id) } })),

  'POST /v1/sessions/{sessionId}/paste': (call, mock) =>
    withSession(call, mock, running, (id) => {
      mock.controls.paste(id, textOf(call));
      return done();
    }),

  'GET /v1/sessions/{sessionId}/screenshot': (call, mock) =>
    withSession(call, mock, running, (id) => ({
      status: 200,
      bytes: mock.controls.screenshot(id),
      contentType: 'image/png',
    })),

  ...sessionFileHandlers,
  ...recordingHandlers,
};
