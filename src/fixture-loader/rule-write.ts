import type { SessionRuleFixture } from '../schemas/fixture-schema.js';
import type { RuleDownloadRow, StoredRule } from '../store/session-rules-store.js';
import { downloadRow, type RowProblem } from './download-row.js';

/** A rule's entry as problems report it: its path, and the field at fault. */
export interface RuleProblem extends RowProblem {
  path: string;
}

/**
 * A rule entry resolved into what the store keeps: each download checked and
 * its bytes read now, as a session download's would be, so that applying the
 * rule later cannot fail. Problems name the download's path and field.
 */
export function resolveRule(
  rule: SessionRuleFixture,
  id: string,
  path: string,
  baseDir: string | undefined,
): StoredRule | RuleProblem[] {
  const problems: RuleProblem[] = [];
  const downloads: RuleDownloadRow[] = [];
  rule.downloads.forEach((download, di) => {
    // Placeholders: the real id and session come when the rule applies, and the etag with them.
    const row = downloadRow(download, id, '', baseDir, 0);
    if ('problem' in row) {
      problems.push({ ...row, path: `${path}.downloads[${di}]` });
      return;
    }
    downloads.push({
      original_download_url: row.original_download_url,
      origin_url: row.origin_url,
      suggested_file_name: row.suggested_file_name,
      original_file_name: row.original_file_name,
      duration: row.duration,
      size: row.size,
      content_type: row.content_type,
      content: row.content,
      after_ms: download.after_ms ?? 0,
    });
  });
  if (problems.length > 0) return problems;
  const when: StoredRule['when'] = {};
  if (rule.when.tags !== undefined) when.tags = rule.when.tags;
  if (rule.when.url !== undefined) when.url = rule.when.url;
  return { id, when, downloads };
}
