import { downloadRow } from '../../fixture-loader/download-row.js';
import { addedDownloadIdOf } from '../../fixture-loader/generated-ids.js';
import type { AddedDownload } from '../../schemas/admin-schemas.js';
import type { DownloadRow, DownloadUpsert, Store } from '../../store/store.js';
import { contentEtag } from '../generated-content.js';

/** A download to add: its fields, and its bytes when they came as a file rather than as content. */
export interface NewDownload {
  download: AddedDownload;
  bytes?: Buffer;
}

export class UnknownSessionError extends Error {
  override name = 'UnknownSessionError';
  constructor(readonly sessionId: string) {
    super(`no session with id "${sessionId}"`);
  }
}

/** A download that cannot be added: `field` is its path in the input (e.g. `[1].size`), '' for the whole entry. */
export class AddedDownloadError extends Error {
  override name = 'AddedDownloadError';
  constructor(
    readonly field: string,
    message: string,
    readonly conflict = false,
  ) {
    super(message);
  }
}

/**
 * Adds downloads to an existing session, all or none, and returns their rows.
 * created_at is the given one, else now + after_ms; the download is listed
 * once the clock reaches it. Without an id, one is derived from the session
 * and the number of downloads it holds, so runs repeat.
 */
export function addDownloads(
  mock: { readonly store: Store },
  sessionId: string,
  items: readonly NewDownload[],
  now: number,
  options: { list?: boolean } = {},
): DownloadRow[] {
  const { store } = mock;
  if (!store.findSession(sessionId)) throw new UnknownSessionError(sessionId);
  const at = (i: number, field?: string) =>
    `${options.list ? `[${i}]` : ''}${field ? `${options.list ? '.' : ''}${field}` : ''}`;
  return store.write((w) => {
    let n = store.listDownloads(sessionId).length;
    const taken = new Set<string>();
    return items.map(({ download, bytes }, i) => {
      let id = download.id;
      if (id !== undefined && (taken.has(id) || store.findDownload(id))) {
        throw new AddedDownloadError(at(i, 'id'), `download "${id}" already exists`, true);
      }
      while (id === undefined || taken.has(id) || store.findDownload(id)) id = addedDownloadIdOf(sessionId, n++);
      taken.add(id);
      const createdAt =
        download.created_at !== undefined ? Date.parse(download.created_at) : now + (download.after_ms ?? 0);
      const fields = bytes ? { ...download, size: bytes.length } : download;
      if (bytes && download.size !== undefined && download.size !== bytes.length) {
        throw new AddedDownloadError(at(i, 'size'), `is ${download.size} but the file is ${bytes.length} bytes`);
      }
      const row = downloadRow(fields, id, sessionId, undefined, createdAt);
      if ('problem' in row) throw new AddedDownloadError(at(i, row.field), row.problem);
      const upsert: DownloadUpsert = { ...row, created_at: createdAt, visible_from: createdAt };
      if (bytes) Object.assign(upsert, { content: bytes, etag: contentEtag(id, bytes.length, bytes) });
      w.upsertDownload(upsert);
      const { content: _content, default_created_at: _default, ...listed } = upsert;
      return { ...listed, created_at: createdAt };
    });
  });
}
