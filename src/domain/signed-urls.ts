import { createHmac } from 'node:crypto';
import { hashesMatch } from './api-keys.js';

/**
 * Pre-signed download URLs, as the reference's "Fetch Session Download"
 * answers them: valid without a key until `expires` (Unix seconds).
 */
export function signDownload(secret: string, downloadId: string, expires: number): string {
  return createHmac('sha256', secret).update(`${downloadId}.${expires}`).digest('hex');
}

export type SignatureCheck = 'valid' | 'invalid' | 'expired';

export function checkSignature(
  secret: string,
  downloadId: string,
  expires: string | undefined,
  signature: string | undefined,
  nowMs: number,
): SignatureCheck {
  if (!expires || !/^\d{1,12}$/.test(expires) || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return 'invalid';
  if (!hashesMatch(signDownload(secret, downloadId, Number(expires)), signature.toLowerCase())) return 'invalid';
  return Number(expires) * 1000 < nowMs ? 'expired' : 'valid';
}
