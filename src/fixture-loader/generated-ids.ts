import { hash } from 'node:crypto';
import type { DownloadFixture } from '../schemas/fixture-schema.js';

/** A name-based UUID (version 5 layout, SHA-1), so generated ids repeat across loads. */
export function deterministicUuid(name: string): string {
  const hex = hash('sha1', `anchorbrowser-mock:${name}`, 'hex');
  // Version 5 in the 13th digit; variant bits 10 in the 17th.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const head = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}`;
  return `${head}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A session's id: its own, or the one generated from its account and position. */
export const sessionIdOf = (session: { id?: string }, accountId: string, position: number) =>
  session.id ?? deterministicUuid(`session:${accountId}:${position}`);

/** A download's id: its own, or the one generated from its session and position. */
export const downloadIdOf = (download: DownloadFixture, sessionId: string, position: number) =>
  download.id ?? deterministicUuid(`download:${sessionId}:${position}`);

/** A session rule's id: its own, or the one generated from its account and position. */
export const ruleIdOf = (rule: { id?: string }, accountId: string, position: number) =>
  rule.id ?? deterministicUuid(`session-rule:${accountId}:${position}`);

/** The id of the download a rule gives a session: from the session, the rule and the item's index. */
export const ruleDownloadIdOf = (sessionId: string, ruleId: string, item: number) =>
  // JSON keeps the parts apart: ids may themselves contain ':'.
  deterministicUuid(`rule-download:${JSON.stringify([sessionId, ruleId, item])}`);

/** The id of the n-th download added to a session at run time without an id of its own. */
export const addedDownloadIdOf = (sessionId: string, n: number) =>
  deterministicUuid(`added-download:${JSON.stringify([sessionId, n])}`);
