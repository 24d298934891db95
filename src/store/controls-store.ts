import type Database from 'better-sqlite3';
import { preparer } from './lazy-statements.js';

export interface PageRow {
  session_id: string;
  id: string;
  position: number;
  url: string;
  title: string;
}

export interface ControlsRow {
  session_id: string;
  clipboard: string;
  selection: string;
  agent_paused: number;
}

export interface UploadRow {
  seq: number;
  session_id: string;
  file_name: string;
  content_type: string;
  size: number;
  content: Buffer;
  uploaded_at: number;
}

export interface RecordingRow {
  id: string;
  session_id: string;
  is_primary: number;
  started_at: number;
  paused_at: number | null;
  paused_ms: number;
  deleted_at: number | null;
}

export interface AgentFileRow {
  session_id: string;
  name: string;
  size: number;
  type: string;
  last_modified: number;
  content: Buffer | null;
}

export interface ActivityRow {
  seq: number;
  session_id: string;
  at: number;
  kind: string;
  detail: string;
}

/**
 * The statements behind the session controls (migration 5's tables), prepared
 * on first use on the store's connection. Kept out of `Store`, which holds the
 * downloads' hot path. Its writes do not bump `Store.generation`: nothing it
 * writes is in the caches that generation guards (downloads and keys).
 */
export class ControlsStore {
  readonly #db: Database.Database;
  readonly #s;

  constructor(db: Database.Database) {
    this.#db = db;
    const prepare = preparer(db);
    this.#s = {
      pages: prepare<[string], PageRow>('SELECT * FROM session_pages WHERE session_id = ? ORDER BY position'),
      upsertPage: prepare<[string, string, number, string, string]>(
        `INSERT INTO session_pages (session_id, id, position, url, title) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (session_id, id) DO UPDATE SET url = excluded.url, title = excluded.title`,
      ),
      controls: prepare<[string], ControlsRow>('SELECT * FROM session_controls WHERE session_id = ?'),
      ensureControls: prepare<[string]>(
        'INSERT INTO session_controls (session_id) VALUES (?) ON CONFLICT (session_id) DO NOTHING',
      ),
      setClipboard: prepare<[string, string]>('UPDATE session_controls SET clipboard = ? WHERE session_id = ?'),
      setSelection: prepare<[string, string]>('UPDATE session_controls SET selection = ? WHERE session_id = ?'),
      setAgentPaused: prepare<[number, string]>('UPDATE session_controls SET agent_paused = ? WHERE session_id = ?'),
      insertUpload: prepare<[string, string, string, number, Buffer, number]>(
        `INSERT INTO session_uploads (session_id, file_name, content_type, size, content, uploaded_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      uploads: prepare<[string], UploadRow>('SELECT * FROM session_uploads WHERE session_id = ? ORDER BY seq'),
      recordings: prepare<[string], RecordingRow>(
        'SELECT * FROM session_recordings WHERE session_id = ? ORDER BY is_primary DESC, id',
      ),
      ensureRecording: prepare<[string, string, number, number]>(
        `INSERT INTO session_recordings (id, session_id, is_primary, started_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      ),
      pauseRecording: prepare<[number, string]>(
        'UPDATE session_recordings SET paused_at = ? WHERE id = ? AND paused_at IS NULL AND deleted_at IS NULL',
      ),
      resumeRecording: prepare<[number, string]>(
        `UPDATE session_recordings SET paused_ms = paused_ms + (? - paused_at), paused_at = NULL
          WHERE id = ? AND paused_at IS NOT NULL AND deleted_at IS NULL`,
      ),
      deleteRecording: prepare<[number, string]>(
        'UPDATE session_recordings SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL',
      ),
      upsertAgentFile: prepare<[string, string, number, string, number, Buffer | null]>(
        `INSERT INTO session_agent_files (session_id, name, size, type, last_modified, content)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, name) DO UPDATE SET
           size = excluded.size, type = excluded.type,
           last_modified = excluded.last_modified, content = excluded.content`,
      ),
      agentFiles: prepare<[string], AgentFileRow>(
        'SELECT * FROM session_agent_files WHERE session_id = ? ORDER BY name',
      ),
      insertActivity: prepare<[string, number, string, string]>(
        'INSERT INTO session_activity (session_id, at, kind, detail) VALUES (?, ?, ?, ?)',
      ),
      activity: prepare<[string], ActivityRow>('SELECT * FROM session_activity WHERE session_id = ? ORDER BY seq'),
    };
  }

  /** Runs `fn` in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  pages(sessionId: string): PageRow[] {
    return this.#s.pages.all(sessionId);
  }

  upsertPage(row: PageRow): void {
    this.#s.upsertPage.run(row.session_id, row.id, row.position, row.url, row.title);
  }

  controls(sessionId: string): ControlsRow | undefined {
    return this.#s.controls.get(sessionId);
  }

  setClipboard(sessionId: string, text: string): void {
    this.#s.ensureControls.run(sessionId);
    this.#s.setClipboard.run(text, sessionId);
  }

  setSelection(sessionId: string, text: string): void {
    this.#s.ensureControls.run(sessionId);
    this.#s.setSelection.run(text, sessionId);
  }

  setAgentPaused(sessionId: string, paused: boolean): void {
    this.#s.ensureControls.run(sessionId);
    this.#s.setAgentPaused.run(paused ? 1 : 0, sessionId);
  }

  insertUpload(row: Omit<UploadRow, 'seq'>): void {
    this.#s.insertUpload.run(row.session_id, row.file_name, row.content_type, row.size, row.content, row.uploaded_at);
  }

  uploads(sessionId: string): UploadRow[] {
    return this.#s.uploads.all(sessionId);
  }

  recordings(sessionId: string): RecordingRow[] {
    return this.#s.recordings.all(sessionId);
  }

  ensureRecording(row: { id: string; session_id: string; is_primary: boolean; started_at: number }): void {
    this.#s.ensureRecording.run(row.id, row.session_id, row.is_primary ? 1 : 0, row.started_at);
  }

  /** False when the recording is already paused or deleted. */
  pauseRecording(id: string, at: number): boolean {
    return this.#s.pauseRecording.run(at, id).changes === 1;
  }

  /** False when the recording is not paused or is deleted. */
  resumeRecording(id: string, at: number): boolean {
    return this.#s.resumeRecording.run(at, id).changes === 1;
  }

  /** False when it was already deleted. */
  deleteRecording(id: string, at: number): boolean {
    return this.#s.deleteRecording.run(at, id).changes === 1;
  }

  upsertAgentFile(row: AgentFileRow): void {
    this.#s.upsertAgentFile.run(row.session_id, row.name, row.size, row.type, row.last_modified, row.content);
  }

  agentFiles(sessionId: string): AgentFileRow[] {
    return this.#s.agentFiles.all(sessionId);
  }

  insertActivity(sessionId: string, at: number, kind: string, detail: string): void {
    this.#s.insertActivity.run(sessionId, at, kind, detail);
  }

  activity(sessionId: string): ActivityRow[] {
    return this.#s.activity.all(sessionId);
  }
}
