import type { OperationCall, OperationResult, StatefulHandlers } from '../../../contract/stateful.js';
import type { MockContext } from '../../../domain/mock-context.js';
import type { Refusal } from '../../../domain/sessions/session-service.js';
import {
  asyncCreatedBody,
  asyncStatusBody,
  createdBody,
  historyBody,
  sessionBody,
  statusListBody,
} from './session-bodies.js';

// The browser-session lifecycle operations of the vendor document (tag
// "Browser Sessions"), on the mock's session store. Error messages follow the
// descriptions the document gives each status.

const refused = (r: Refusal): OperationResult => ({
  status: r.refused,
  message: r.message,
  ...(r.headers && { headers: r.headers }),
});

const sessionIdOf = (call: OperationCall) => call.params.session_id ?? '';

const SUCCESS = { data: { status: 'success' } };

export const lifecycleHandlers: StatefulHandlers = {
  'POST /v1/sessions': (call, mock: MockContext) => {
    const created = mock.sessions.create(call.account, call.body, call.now);
    if ('refused' in created) return refused(created);
    return { status: 200, body: createdBody(created.session, mock.publicUrl), headers: created.headers };
  },

  'GET /v1/sessions/{session_id}': (call, mock) => {
    const session = mock.sessions.get(call.account.id, sessionIdOf(call), call.now);
    return session ? { status: 200, body: sessionBody(session) } : { status: 404, message: 'Session not found.' };
  },

  // The document declares 401, not 404, for a session the key cannot end.
  'DELETE /v1/sessions/{session_id}': (call, mock) => {
    const ended = mock.sessions.end(call.account.id, sessionIdOf(call), call.now);
    return ended ? { status: 200, body: SUCCESS } : { status: 401, message: 'Invalid API Key or browser session ID' };
  },

  'DELETE /v1/sessions/all': (call, mock) => {
    mock.sessions.endAll(call.account.id, call.now);
    return { status: 200, body: SUCCESS };
  },

  'GET /v1/sessions/all/status': (call, mock) => ({
    status: 200,
    body: statusListBody(mock.sessions.list(call.account.id, call.query, call.now)),
  }),

  'GET /v1/sessions': (call, mock) => {
    const page = mock.sessions.history(call.account.id, call.query, call.now);
    return typeof page === 'string' ? { status: 400, message: page } : { status: 200, body: historyBody(page) };
  },

  'POST /v1/sessions/async': (call, mock) => {
    const created = mock.sessions.createAsync(call.account, call.body, call.now);
    if ('refused' in created) return refused(created);
    return { status: 200, body: asyncCreatedBody(created.request), headers: created.headers };
  },

  'GET /v1/sessions/async/{request_id}/status': (call, mock) => {
    const request = mock.sessions.asyncStatus(call.account.id, call.params.request_id ?? '', call.now);
    return request
      ? { status: 200, body: asyncStatusBody(request, mock.publicUrl) }
      : { status: 404, message: 'Async request not found.' };
  },
};
