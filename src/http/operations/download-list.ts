import type { Clock } from '../../domain/clock.js';
import type { MockContext } from '../../domain/mock-context.js';
import { visibleDownloads } from '../../domain/download-visibility.js';
import { StoreCache } from '../../domain/store-cache.js';
import type { DownloadItem } from '../../schemas/api-schemas.js';
import type { ApiKeyRow, DownloadRow, Store } from '../../store/store.js';
import { CONTRACT_ERRORS, type PreparedAnswer } from '../pipeline/prepared-answer.js';

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

/** A session's 200 answer to List Session Downloads, serialized, with the account that owns the session. */
export interface ListedSession extends PreparedAnswer {
  readonly status: 200;
  readonly accountId: string;
  /** The clock readings [from, until) over which this body stays true (downloads that appear later). */
  readonly from: number;
  readonly until: number;
}

/**
 * Sessions as List Session Downloads answers them, owner and serialized body,
 * cached until the next write to the store, a change of public URL, or the
 * clock leaving the stretch over which the list stays the same (a download
 * due later appears without any write). Unknown ids are cached too, bounded.
 */
export class DownloadListCache {
  readonly #sessions: StoreCache<ListedSession | null>;
  #publicUrl = '';

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {
    this.#sessions = new StoreCache(store, (sessionId) => this.#list(sessionId), {
      // Lists with nothing timed skip reading the clock: the everyday hit costs two comparisons.
      valid: (listed) => {
        if (listed === null || (listed.from === -Infinity && listed.until === Infinity)) return true;
        const now = this.clock.now();
        return now >= listed.from && now < listed.until;
      },
    });
  }

  get(sessionId: string, publicUrl: string): ListedSession | undefined {
    if (this.#publicUrl !== publicUrl) {
      this.#sessions.clear();
      this.#publicUrl = publicUrl;
    }
    return this.#sessions.get(sessionId) ?? undefined;
  }

  #list(sessionId: string): ListedSession | null {
    const session = this.store.findSession(sessionId);
    if (!session) return null;
    const { rows, from, until } = visibleDownloads(this.store.listDownloads(sessionId), this.clock.now());
    const items = rows.map((row) => toDownloadItem(row, this.#publicUrl));
    const body = Buffer.from(JSON.stringify({ data: { count: items.length, items } }));
    return { status: 200, accountId: session.account_id, body, from, until };
  }
}

/**
 * List Session Downloads for a key that is through: the session's list when
 * the key's account owns it, else 404 (never another account's). Listing is a
 * request under `/v1/sessions/{id}/…`, so the session's idle time starts again:
 * code that polls for a download must not see its session time out meanwhile.
 */
export function ownedListAnswer(
  lists: DownloadListCache,
  publicUrl: string,
  key: ApiKeyRow | undefined,
  sessionId: string,
  mock: Pick<MockContext, 'sessions' | 'clock'>,
): PreparedAnswer {
  const listed = lists.get(sessionId, publicUrl);
  if (!listed || listed.accountId !== key?.account_id) return CONTRACT_ERRORS[404];
  mock.sessions.touch(sessionId, mock.clock.now());
  return listed;
}
