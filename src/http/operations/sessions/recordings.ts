import type { OperationCall, OperationResult, StatefulHandlers } from '../../../contract/stateful.js';
import type { MockContext } from '../../../domain/mock-context.js';
import type { Recording } from '../../../domain/sessions/session-controls.js';
import { iso, withSession } from './control-guard.js';

const RECORDING_NOT_FOUND = 'Recording not found';

/** Recorded time as `HH:MM:SS` (the document types `duration` as a string and gives no format). */
export function recordingDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

function recordingItem(mock: MockContext, sessionId: string, r: Recording) {
  const path = r.isPrimary ? 'primary' : encodeURIComponent(r.id);
  return {
    id: r.id,
    is_primary: r.isPrimary,
    file_link: `${mock.publicUrl}/v1/sessions/${encodeURIComponent(sessionId)}/recordings/${path}/fetch`,
    suggested_file_name: `${sessionId}.mp4`,
    duration: recordingDuration(r.durationMs),
    size: mock.controls.video(r).length,
    created_at: iso(r.startedAt),
  };
}

/** Pause or resume the primary recording: a running session's, 404 otherwise. */
function setPaused(paused: boolean) {
  return (call: OperationCall, mock: MockContext): OperationResult =>
    withSession(call, mock, { param: 'session_id', ended: 404 }, (id, session) => {
      const primary = mock.controls.findRecording(id, session, 'primary');
      if (!primary) return { status: 404, message: RECORDING_NOT_FOUND };
      mock.controls.setRecordingPaused(id, primary, paused);
      return { status: 200, body: { data: { data: { status: 'success' } } } };
    });
}

/** Recordings stay readable, and deletable, once their session has ended. */
export const recordingHandlers: StatefulHandlers = {
  'GET /v1/sessions/{session_id}/recordings': (call, mock) =>
    withSession(call, mock, { param: 'session_id', ended: 'serve' }, (id, session) => {
      const items = mock.controls.recordings(id, session).map((r) => recordingItem(mock, id, r));
      return { status: 200, body: { data: { count: items.length, items } } };
    }),

  'GET /v1/sessions/{session_id}/recordings/primary/fetch': (call, mock) =>
    withSession(call, mock, { param: 'session_id', ended: 'serve', notFound: RECORDING_NOT_FOUND }, (id, session) => {
      const primary = mock.controls.findRecording(id, session, 'primary');
      if (!primary) return { status: 404, message: RECORDING_NOT_FOUND };
      return {
        status: 200,
        bytes: mock.controls.video(primary),
        contentType: 'video/mp4',
        headers: { 'content-disposition': `attachment; filename="${id.replace(/[^\w.-]/g, '_')}.mp4"` },
      };
    }),

  'POST /v1/sessions/{session_id}/recordings/pause': setPaused(true),
  'POST /v1/sessions/{session_id}/recordings/resume': setPaused(false),

  // The document declares no 404 here; an unknown session or recording answers one anyway, in the envelope.
  'DELETE /v1/sessions/{session_id}/recordings/{recording_id}': (call, mock) =>
    withSession(call, mock, { param: 'session_id', ended: 'serve' }, (id, session) => {
      const recording = mock.controls.findRecording(id, session, call.params.recording_id ?? '');
      if (!recording) return { status: 404, message: RECORDING_NOT_FOUND };
      mock.controls.deleteRecording(id, recording);
      return { status: 200, body: { data: { status: 'success' } } };
    }),
};
