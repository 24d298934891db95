import type { DownloadRow } from '../store/store.js';

/** Whether a download is listed and served at this time on the mock clock. */
export const isVisible = (row: Pick<DownloadRow, 'visible_from'>, now: number) =>
  row.visible_from === null || row.visible_from <= now;

/**
 * The downloads listed at `now`, and the stretch of clock readings over which
 * that list stays the same, [from, until): a cached list is good while the
 * clock stays inside it. Without timed rows it is the whole line.
 */
export function visibleDownloads<R extends Pick<DownloadRow, 'visible_from'>>(
  rows: readonly R[],
  now: number,
): { rows: R[]; from: number; until: number } {
  let from = -Infinity;
  let until = Infinity;
  const visible: R[] = [];
  for (const row of rows) {
    const at = row.visible_from;
    if (at === null) visible.push(row);
    else if (at <= now) {
      visible.push(row);
      if (at > from) from = at;
    } else if (at < until) until = at;
  }
  return { rows: visible, from, until };
}
