import { createHash, timingSafeEqual } from 'node:crypto';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** First 4 characters and a short hash: enough to tell keys apart in a log, useless to an attacker. */
export function fingerprintKey(key: string, keyHash = hashKey(key)): string {
  return `${key.slice(0, 4)}…${keyHash.slice(0, 8)}`;
}

/** Constant-time comparison of two hex hashes of equal length. */
export function hashesMatch(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
