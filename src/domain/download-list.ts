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

/**
 * The serialized 200 body of List Session Downloads, per session, cached
 * until the next write to the store or a change of public URL.
 */
export class DownloadListCache {
  readonly #bodies = new Map<string, string>();
  #generation = -1;
  #publicUrl = '';

  constructor(private readonly store: Store) {}

  body(sessionId: string, publicUrl: string): string {
    if (this.#generation !== this.store.generation || this.#publicUrl !== publicUrl) {
      this.#bodies.clear();
      this.#generation = this.store.generation;
      this.#publicUrl = publicUrl;
    }
    let body = this.#bodies.get(sessionId);
    if (body === undefined) {
      const items = this.store.listDownloads(sessionId).map((row) => toDownloadItem(row, publicUrl));
      body = JSON.stringify({ data: { count: items.length, items } });
      this.#bodies.set(sessionId, body);
    }
    return body;
  }
}
