import type { DownloadItem } from '../schemas/api-schemas.js';
import type { DownloadRow, Store } from '../store/store.js';

/** file_link as the reference shapes it: no /v1, ids path-encoded. */
export function fileLink(publicUrl: string, sessionId: string, downloadId: string): string {
  return `${publicUrl}/sessions/${encodeURIComponent(sessionId)}/downloads/${encodeURIComponent(downloadId)}/fetch`;
}

export function toDownloadItem(row: DownloadRow, publicUrl: string): DownloadItem {
  return {
    id: row.id,
    file_link: fileLink(publicUrl, row.session_id, row.id),
    original_download_url: row.original_download_url,
    origin_url: row.origin_url,
    suggested_file_name: row.suggested_file_name,
    original_file_name: row.original_file_name,
    duration: row.duration,
    size: row.size,
    created_at: new Date(row.created_at).toISOString(),
  };
}

export interface ListedSession {
  accountId: string;
  /** The serialized 200 body of List Session Downloads, as UTF-8 bytes. */
  body: Buffer;
}

const CACHE_LIMIT = 10_000;

/**
 * Sessions as List Session Downloads answers them, owner and serialized body,
 * cached until the next write to the store (any write path bumps its
 * generation) or a change of public URL. Unknown ids are cached too, bounded.
 */
export class DownloadListCache {
  readonly #sessions = new Map<string, ListedSession | null>();
  #generation = -1;
  #publicUrl = '';

  constructor(private readonly store: Store) {}

  get(sessionId: string, publicUrl: string): ListedSession | undefined {
    if (this.#generation !== this.store.generation || this.#publicUrl !== publicUrl) {
      this.#sessions.clear();
      this.#generation = this.store.generation;
      this.#publicUrl = publicUrl;
    }
    let listed = this.#sessions.get(sessionId);
    if (listed === undefined) {
      const session = this.store.findSession(sessionId);
      if (session) {
        const items = this.store.listDownloads(sessionId).map((row) => toDownloadItem(row, publicUrl));
        listed = { accountId: session.account_id, body: Buffer.from(JSON.stringify({ data: { count: items.length, items } })) };
      } else {
        listed = null;
      }
      if (this.#sessions.size >= CACHE_LIMIT) this.#sessions.clear();
      this.#sessions.set(sessionId, listed);
    }
    return listed ?? undefined;
  }
}
