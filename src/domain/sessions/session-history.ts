import type { SessionView } from './session-view.js';

// Filters and paging of `GET /v1/sessions` and `GET /v1/sessions/all/status`,
// by the query parameters the vendor document declares for them.

/** Comma-separated values, trimmed, empty ones dropped; undefined when the parameter is absent. */
function listOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return String(value)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** The validator may have coerced booleans already, or left the query's strings. */
function boolOf(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

function timeOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = Date.parse(String(value));
  return Number.isNaN(ms) ? undefined : ms;
}

/** The filters both listings share: tags, domains, created range, batch and the configuration flags. */
export function sessionFilter(query: Record<string, unknown>): (s: SessionView) => boolean {
  const tags = listOf(query.tags);
  const domains = listOf(query.domains)?.map((d) => d.toLowerCase());
  const from = timeOf(query.created_from);
  const to = timeOf(query.created_to);
  const flags: [boolean | undefined, (s: SessionView) => boolean][] = [
    // No session of the mock comes from a task or the playground.
    [boolOf(query.task_initiated), () => false],
    [boolOf(query.playground), () => false],
    [boolOf(query.proxy), (s) => s.facts.proxyActive],
    [boolOf(query.extra_stealth), (s) => s.facts.extraStealth],
  ];
  const profile = typeof query.profile_name === 'string' ? query.profile_name.toLowerCase() : undefined;
  const hasBatch = query.batch_id !== undefined && query.batch_id !== null;
  return (s) =>
    (!tags || tags.every((t) => s.tags.includes(t))) &&
    (!domains || domains.every((d) => s.domains.some((own) => own.toLowerCase() === d))) &&
    (from === undefined || s.createdAt >= from) &&
    (to === undefined || s.createdAt <= to) &&
    // Sessions of the mock belong to no batch.
    !hasBatch &&
    flags.every(([wanted, actual]) => wanted === undefined || actual(s) === wanted) &&
    (profile === undefined || (s.facts.profileName?.toLowerCase().includes(profile) ?? false));
}

export const HISTORY_PAGE_SIZES = [10, 20, 50] as const;
/** The sort fields the document names, and the other scalar columns of a history item. */
export const HISTORY_SORT_FIELDS = ['created_at', 'session_id', 'used_credits', 'api_key_name', 'status', 'duration'];

const sortKeys: Record<string, (s: SessionView) => string | number> = {
  created_at: (s) => s.createdAt,
  session_id: (s) => s.id,
  used_credits: (s) => s.creditsUsed,
  api_key_name: (s) => s.apiKeyName ?? '',
  status: (s) => s.status,
  duration: (s) => s.durationSeconds,
};

export interface HistoryPage {
  sessions: SessionView[];
  total: number;
  page: number;
  totalPages: number;
}

function intOf(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) ? n : NaN;
}

/** One page of the history; a message for a parameter out of what the document allows (its 400). */
export function historyPage(all: readonly SessionView[], query: Record<string, unknown>): HistoryPage | string {
  const page = intOf(query.page, 1);
  if (!(page >= 1)) return 'page must be an integer >= 1';
  const limit = intOf(query.limit, 10);
  if (!(HISTORY_PAGE_SIZES as readonly number[]).includes(limit)) return 'limit must be one of 10, 20, 50';
  const sortBy = query.sort_by === undefined ? 'created_at' : String(query.sort_by);
  const key = sortKeys[sortBy];
  if (!key) return `sort_by must be one of ${HISTORY_SORT_FIELDS.join(', ')}`;
  const order = query.sort_order === undefined ? 'asc' : String(query.sort_order);
  if (order !== 'asc' && order !== 'desc') return 'sort_order must be asc or desc';

  const filter = sessionFilter(query);
  const status = query.status === undefined ? undefined : String(query.status);
  // search: any term found, case-insensitively, inside any tag.
  const terms = listOf(query.search)?.map((t) => t.toLowerCase());
  const matching = all.filter(
    (s) =>
      filter(s) &&
      (status === undefined || s.status === status) &&
      (!terms || terms.length === 0 || terms.some((t) => s.tags.some((tag) => tag.toLowerCase().includes(t)))),
  );
  const sign = order === 'asc' ? 1 : -1;
  const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  // Ties keep creation order, then id, whatever the direction: pages never shuffle.
  matching.sort((a, b) => sign * compare(key(a), key(b)) || compare(a.createdAt, b.createdAt) || compare(a.id, b.id));
  const start = (page - 1) * limit;
  return {
    sessions: matching.slice(start, start + limit),
    total: matching.length,
    page,
    totalPages: Math.ceil(matching.length / limit),
  };
}
