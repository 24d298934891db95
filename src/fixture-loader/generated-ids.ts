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
