import type { SessionRecord, SessionStatus } from '../../store/sessions-store.js';
import { factsOf, type SessionFacts } from './session-config.js';

/** A session as the operations answer it, read at one instant of the mock clock. */
export interface SessionView {
  id: string;
  accountId: string;
  status: SessionStatus;
  createdAt: number;
  /** When it ended; null while running, and for fixture sessions, which carry no end time. */
  endedAt: number | null;
  /** Whole seconds from creation to the end, or to now while running; frozen once ended. */
  durationSeconds: number;
  tags: string[];
  /** The create body as sent; {} for fixture sessions. */
  configuration: Record<string, unknown>;
  domains: string[];
  origin: 'fixture' | 'api';
  apiKeyName: string | null;
  creditsUsed: number;
  facts: SessionFacts;
  idleTimeoutMinutes: number | null;
  maxDurationMinutes: number | null;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function viewOf(row: SessionRecord, now: number): SessionView {
  const configuration = parseJson<Record<string, unknown>>(row.configuration, {});
  const tags = parseJson<string[]>(row.tags, []);
  const end = row.ended_at ?? (row.status === 'running' ? now : row.created_at);
  return {
    id: row.id,
    accountId: row.account_id,
    status: row.status,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    durationSeconds: Math.max(0, Math.floor((end - row.created_at) / 1000)),
    tags,
    configuration,
    domains: parseJson<string[]>(row.domains, []),
    origin: row.origin,
    apiKeyName: row.api_key_name,
    creditsUsed: row.credits_used,
    // Fixture sessions have no body; their tags come from the fixture.
    facts: { ...factsOf(configuration), tags },
    idleTimeoutMinutes: row.idle_timeout_minutes,
    maxDurationMinutes: row.max_duration_minutes,
  };
}
