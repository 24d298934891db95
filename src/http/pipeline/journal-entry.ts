import { fingerprintKey } from '../../domain/api-keys.js';
import type { BodySnapshot } from '../../domain/journal-body.js';
import type { MockContext } from '../../domain/mock-context.js';

/**
 * Journals one emulated request. Every way in (the Fastify route, a fault
 * that drops the connection, the list's fast path) records through here.
 * Positional arguments: the journal copies them into its columns, so the
 * only object a request allocates here is the record itself.
 */
export function recordRequest(
  mock: MockContext,
  method: string,
  path: string,
  sessionId: string | null,
  status: number,
  durationMs: number,
  bytes: number,
  keyFingerprint: string | null,
  forced: boolean,
  faultId: string | null,
  body: BodySnapshot | null,
): void {
  mock.journal.add({
    timeMs: mock.clock.now(),
    method,
    path,
    session_id: sessionId,
    status,
    duration_ms: Math.round(durationMs * 1000) / 1000,
    response_bytes: bytes,
    key_fingerprint: keyFingerprint,
    forced,
    fault_id: faultId,
    body,
  });
}

/**
 * The key a journal entry names: the fingerprint the key check made, else
 * one of the header's key (the request was answered before the check, or the
 * check itself failed).
 */
export function journalFingerprint(
  checked: string | null | undefined,
  header: string | string[] | undefined,
): string | null {
  if (checked) return checked;
  return typeof header === 'string' && header !== '' ? fingerprintKey(header) : null;
}
