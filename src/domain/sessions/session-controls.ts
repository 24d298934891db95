import { hash } from 'node:crypto';
import { extname } from 'node:path';
import { boundedMemo } from '../bounded-memo.js';
import type { Clock } from '../clock.js';
import { deterministicUuid } from '../../fixture-loader/generated-ids.js';
import { ControlsStore, type RecordingRow } from '../../store/controls-store.js';
import type { Store } from '../../store/store.js';
import { minimalMp4, solidPng } from './control-media.js';
import { capStrings, type ActivityEntry, type ActivityKind } from './activity.js';
import type { SessionInfo } from './session-lookup.js';
import { zipEntries } from './zip-directory.js';

export { ACTIVITY_STRING_LIMIT, type ActivityEntry, type ActivityKind } from './activity.js';
export { sessionInfo, sessionState, type SessionInfo, type SessionState } from './session-lookup.js';

export interface Page {
  id: string;
  url: string;
  title: string;
}

export interface Recording {
  id: string;
  isPrimary: boolean;
  startedAt: number;
  /** Time recorded: from the session's start to its end (or now), less the time paused. */
  durationMs: number;
  paused: boolean;
}

export interface AgentFile {
  name: string;
  size: number;
  type: string;
  lastModified: number;
}

export const BLANK_PAGE_URL = 'about:blank';
/** The document's default viewport (`browser.viewport`: 1440 × 900). */
export const DEFAULT_VIEWPORT = { width: 1440, height: 900 } as const;

/** A CDP-style target id (32 upper-case hex digits), stable for a session's nth tab. */
export const pageIdOf = (sessionId: string, position: number) =>
  hash('sha256', `anchorbrowser-mock:page:${sessionId}:${position}`, 'hex').slice(0, 32).toUpperCase();

export const primaryRecordingIdOf = (sessionId: string) => deterministicUuid(`recording:${sessionId}:primary`);

/** What a tab shows as its title before a page sets one: the URL without its scheme. */
export function titleOf(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return url;
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
}

/**
 * What the session-scoped controls leave behind, with no browser behind them:
 * pages, clipboard, uploads, the primary recording, agent files, the agent's
 * paused flag and the activity log the live view shows. Callers check that
 * the session exists, is the account's and is running where that matters.
 */
export class SessionControls {
  readonly #db: ControlsStore;
  readonly #clock: Clock;
  readonly #png = boundedMemo((key) => {
    const [w, h, r, g, b] = key.split(',').map(Number) as [number, number, number, number, number];
    return solidPng(w, h, [r, g, b]);
  }, 64);

  constructor(store: Store, clock: Clock) {
    this.#db = new ControlsStore(store.db);
    this.#clock = clock;
  }

  /** The open tabs; a session nothing has navigated has one blank tab. */
  pages(sessionId: string): Page[] {
    const rows = this.#db.pages(sessionId);
    if (rows.length === 0) return [{ id: pageIdOf(sessionId, 0), url: BLANK_PAGE_URL, title: BLANK_PAGE_URL }];
    return rows.map(({ id, url, title }) => ({ id, url, title }));
  }

  /** Points the first tab at `url` without logging it: a session's start page (create's `initial_url`). */
  openPage(sessionId: string, url: string): void {
    this.#db.upsertPage({ session_id: sessionId, id: pageIdOf(sessionId, 0), position: 0, url, title: titleOf(url) });
  }

  /** Navigates the active (first) tab. */
  goto(sessionId: string, url: string, input: Record<string, unknown>): Page {
    return this.#db.transaction(() => {
      this.openPage(sessionId, url);
      this.#log(sessionId, 'goto', input);
      return this.pages(sessionId)[0]!;
    });
  }

  /** Logs a control that changes nothing the API can read back (mouse, scroll, shortcut, drag). */
  record(sessionId: string, kind: ActivityKind, input: Record<string, unknown>): void {
    this.#log(sessionId, kind, input);
  }

  /** Typed text becomes what `copy` would copy: the mock's stand-in for the focused field's selection. */
  type(sessionId: string, text: string, input: Record<string, unknown>): void {
    this.#db.transaction(() => {
      this.#db.setSelection(sessionId, text);
      this.#log(sessionId, 'type', input);
    });
  }

  clipboard(sessionId: string): string {
    return this.#db.controls(sessionId)?.clipboard ?? '';
  }

  setClipboard(sessionId: string, text: string): void {
    this.#db.transaction(() => {
      this.#db.setClipboard(sessionId, text);
      this.#log(sessionId, 'clipboard_set', { text });
    });
  }

  /** Copies the selection (the text last typed or pasted) to the clipboard, and answers it. */
  copy(sessionId: string): string {
    return this.#db.transaction(() => {
      const text = this.#db.controls(sessionId)?.selection ?? '';
      this.#db.setClipboard(sessionId, text);
      this.#log(sessionId, 'copy', { text });
      return text;
    });
  }

  /** Pasting goes through the clipboard, which keeps the text, and the text lands in the focused field. */
  paste(sessionId: string, text: string): void {
    this.#db.transaction(() => {
      this.#db.setClipboard(sessionId, text);
      this.#db.setSelection(sessionId, text);
      this.#log(sessionId, 'paste', { text });
    });
  }

  /** A PNG of the viewport, in one colour derived from the active tab's URL (white for a blank tab). */
  screenshot(sessionId: string, viewport: { width: number; height: number } = DEFAULT_VIEWPORT): Buffer {
    const url = this.pages(sessionId)[0]!.url;
    const rgb = url === BLANK_PAGE_URL ? [255, 255, 255] : [...hash('sha1', url, 'buffer').subarray(0, 3)];
    // Pale colours: any page is mostly background.
    const pale = rgb.map((c) => 0xc0 | (c & 0x3f));
    const w = Math.min(Math.max(1, viewport.width), 4096);
    const h = Math.min(Math.max(1, viewport.height), 4096);
    return this.#png([w, h, ...pale].join(','));
  }

  upload(sessionId: string, file: { fileName: string; contentType: string; bytes: Buffer }): void {
    this.#db.transaction(() => {
      const size = file.bytes.length;
      this.#db.insertUpload({
        session_id: sessionId,
        file_name: file.fileName,
        content_type: file.contentType,
        size,
        content: file.bytes,
        uploaded_at: this.#clock.now(),
      });
      this.#log(sessionId, 'upload', { file_name: file.fileName, content_type: file.contentType, size });
    });
  }

  uploads(sessionId: string): { fileName: string; contentType: string; size: number; bytes: Buffer; at: number }[] {
    return this.#db.uploads(sessionId).map((r) => ({
      fileName: r.file_name,
      contentType: r.content_type,
      size: r.size,
      bytes: r.content,
      at: r.uploaded_at,
    }));
  }

  /** The session's recordings that are not deleted: the primary one, recording since the session started. */
  recordings(sessionId: string, session: SessionInfo): Recording[] {
    this.#db.ensureRecording({
      id: primaryRecordingIdOf(sessionId),
      session_id: sessionId,
      is_primary: true,
      started_at: session.createdAt,
    });
    const stop = session.endedAt ?? this.#clock.now();
    return this.#db
      .recordings(sessionId)
      .filter((r) => r.deleted_at === null)
      .map((r) => recordingOf(r, stop));
  }

  /** `primary` names the primary recording; otherwise a recording id. Undefined if none (or deleted). */
  findRecording(sessionId: string, session: SessionInfo, recordingId: string): Recording | undefined {
    return this.recordings(sessionId, session).find((r) =>
      recordingId === 'primary' ? r.isPrimary : r.id === recordingId,
    );
  }

  /** The recording as an MP4 whose header carries its duration. */
  video(recording: Recording): Buffer {
    return minimalMp4(recording.durationMs, recording.startedAt);
  }

  /** Pausing a paused recording, or resuming a recording one, changes nothing and is not an error. */
  setRecordingPaused(sessionId: string, recording: Recording, paused: boolean): void {
    this.#db.transaction(() => {
      const now = this.#clock.now();
      if (paused) this.#db.pauseRecording(recording.id, now);
      else this.#db.resumeRecording(recording.id, now);
      this.#log(sessionId, paused ? 'recording_pause' : 'recording_resume', { recording_id: recording.id });
    });
  }

  deleteRecording(sessionId: string, recording: Recording): void {
    this.#db.transaction(() => {
      this.#db.deleteRecording(recording.id, this.#clock.now());
      this.#log(sessionId, 'recording_delete', { recording_id: recording.id });
    });
  }

  /** Stores an agent resource; a ZIP is listed as the files it holds, as the vendor extracts it. */
  addAgentFile(sessionId: string, file: { fileName: string; bytes: Buffer }): AgentFile[] {
    return this.#db.transaction(() => {
      const now = this.#clock.now();
      const entries = /\.zip$/i.test(file.fileName) ? zipEntries(file.bytes) : undefined;
      const added = entries
        ? entries.map((e) => ({ name: e.name, size: e.size, content: null }))
        : [{ name: file.fileName, size: file.bytes.length, content: file.bytes }];
      for (const a of added) {
        this.#db.upsertAgentFile({
          session_id: sessionId,
          name: a.name,
          size: a.size,
          type: typeOf(a.name),
          last_modified: now,
          content: a.content,
        });
      }
      const listed = added.map((a) => ({ name: a.name, size: a.size, type: typeOf(a.name), lastModified: now }));
      this.#log(sessionId, 'agent_file', {
        file_name: file.fileName,
        size: file.bytes.length,
        files: listed.map((f) => f.name),
      });
      return listed;
    });
  }

  agentFiles(sessionId: string): AgentFile[] {
    return this.#db
      .agentFiles(sessionId)
      .map((r) => ({ name: r.name, size: r.size, type: r.type, lastModified: r.last_modified }));
  }

  agentPaused(sessionId: string): boolean {
    return this.#db.controls(sessionId)?.agent_paused === 1;
  }

  setAgentPaused(sessionId: string, paused: boolean): void {
    this.#db.transaction(() => {
      this.#db.setAgentPaused(sessionId, paused);
      this.#log(sessionId, paused ? 'agent_pause' : 'agent_resume', {});
    });
  }

  /** Every control done to the session, oldest first, with its input. */
  activity(sessionId: string): ActivityEntry[] {
    return this.#db.activity(sessionId).map((r) => ({
      at: r.at,
      kind: r.kind as ActivityKind,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  #log(sessionId: string, kind: ActivityKind, input: Record<string, unknown>): void {
    this.#db.insertActivity(sessionId, this.#clock.now(), kind, JSON.stringify(capStrings(input)));
  }
}

function recordingOf(r: RecordingRow, stop: number): Recording {
  const pausedNow = r.paused_at === null ? 0 : Math.max(0, stop - r.paused_at);
  return {
    id: r.id,
    isPrimary: r.is_primary === 1,
    startedAt: r.started_at,
    durationMs: Math.max(0, stop - r.started_at - r.paused_ms - pausedNow),
    paused: r.paused_at !== null,
  };
}

/** The extension without its dot, lower-case; '' for none. */
function typeOf(name: string): string {
  return extname(name).slice(1).toLowerCase();
}
