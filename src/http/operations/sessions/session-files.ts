import type { OperationCall, StatefulHandlers } from '../../../contract/stateful.js';
import { iso, withSession } from './control-guard.js';

/** Largest file `uploads` and `agent/files` take; the document declares a 400 for "file too large" but no size. */
export const UPLOAD_LIMIT_BYTES = 100 * 1024 * 1024;

type Part = NonNullable<OperationCall['files']>[number];

/** The multipart `file` part, or the 400 the operation declares for a missing or oversized one. */
function filePart(call: OperationCall): { file: Part } | { status: 400; message: string } {
  const file = call.files?.find((f) => f.field === 'file');
  if (!file) return { status: 400, message: 'No file uploaded: the multipart field "file" is missing' };
  if (file.bytes.length > UPLOAD_LIMIT_BYTES) {
    return {
      status: 400,
      message: `File too large: "${file.fileName}" is ${file.bytes.length} bytes, the limit is ${UPLOAD_LIMIT_BYTES}`,
    };
  }
  return { file };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Uploads into the browser and the agent's files and flag. */
export const sessionFileHandlers: StatefulHandlers = {
  'POST /v1/sessions/{sessionId}/uploads': (call, mock) =>
    withSession(call, mock, { param: 'sessionId', ended: 404 }, (id) => {
      const part = filePart(call);
      if (!('file' in part)) return part;
      mock.controls.upload(id, part.file);
      const message = `File ${part.file.fileName} uploaded (${plural(part.file.bytes.length, 'byte')})`;
      return { status: 200, body: { data: { status: 'success', message } } };
    }),

  'POST /v1/sessions/{sessionId}/agent/files': (call, mock) =>
    withSession(call, mock, { param: 'sessionId', ended: 404 }, (id) => {
      const part = filePart(call);
      if (!('file' in part)) return part;
      const added = mock.controls.addAgentFile(id, part.file);
      const message = `Uploaded ${plural(added.length, 'agent resource')} from ${part.file.fileName}`;
      return { status: 200, body: { data: { status: 'success', message } } };
    }),

  'GET /v1/sessions/{sessionId}/agent/files': (call, mock) =>
    withSession(call, mock, { param: 'sessionId', ended: 400 }, (id) => {
      const files = mock.controls.agentFiles(id).map((f) => ({
        name: f.name,
        size: f.size,
        type: f.type,
        lastModified: iso(f.lastModified),
      }));
      return { status: 200, body: { data: { files } } };
    }),

  'POST /v1/sessions/{session_id}/agent/pause': (call, mock) =>
    withSession(call, mock, { param: 'session_id', ended: 400 }, (id) => {
      mock.controls.setAgentPaused(id, true);
      return { status: 200, body: { data: { status: 'success' } } };
    }),

  'POST /v1/sessions/{session_id}/agent/resume': (call, mock) =>
    withSession(call, mock, { param: 'session_id', ended: 400 }, (id) => {
      mock.controls.setAgentPaused(id, false);
      return { status: 200, body: { data: { status: 'success' } } };
    }),
};
