import { z } from 'zod';

// The seeding format shared by fixture files, `seed`, and (later) the admin API.
// Objects are strict: an unknown key is an error, so typos are caught.

export const MAX_ID_LENGTH = 256;
/** Largest file one download may hold, content or generated. */
export const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;
/** Row limits per document, so a runaway generator fails clearly instead of filling the disk. */
export const MAX_ROWS = {
  accounts: 10_000,
  api_keys: 1_000,
  sessions: 100_000,
  downloads: 100_000,
  session_rules: 1_000,
  rule_downloads: 1_000,
} as const;
// Thousands separated by hand: toLocaleString would load ICU's locale data
// into every start-up (docs/performance.md).
const atMost = (n: number) => `must have at most ${String(n).replace(/\B(?=(\d{3})+$)/g, ',')} items`;

export const Id = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^/\u0000-\u001f\u007f-\u009f]*$/, 'must not contain "/" or control characters');

export const ApiKey = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(256, 'must be at most 256 characters')
  // Any value a header can carry, so placeholder keys such as "Your API Key" work.
  .regex(/^[\x20-\x7e]*$/, 'must be visible ASCII characters, with spaces only between them')
  .regex(/^(?! ).*(?<! )$/s, 'must not begin or end with a space (HTTP drops spaces around a header value)');

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const Timestamp = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time, e.g. 2025-01-18T03:34:56.043Z',
});

export const RateLimitSchema = z.strictObject({
  capacity: z.int().min(1, 'must be an integer >= 1'),
  refill_per_second: z.number().gt(0, 'must be a number > 0').finite(),
});

/** Shown as `api_key_name` on the sessions the key creates. */
const KeyName = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

export const ApiKeyEntry = z.union(
  [ApiKey, z.strictObject({ key: ApiKey, rate_limit: RateLimitSchema.optional(), name: KeyName.optional() })],
  { error: 'must be a key string or {key, rate_limit, name}' },
);

export const Base64 = z
  .string()
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be valid base64');

export const ContentSchema = z.union(
  [
    z.strictObject({ text: z.string() }),
    z.strictObject({ base64: Base64 }),
    z.strictObject({ file: z.string().min(1, 'must not be empty') }),
  ],
  { error: 'must be one of {text}, {base64} or {file}' },
);

export const DownloadFixture = z.strictObject({
  id: Id.optional(),
  original_download_url: HttpUrl,
  origin_url: HttpUrl,
  original_file_name: z.string().min(1, 'must not be empty').max(1024),
  suggested_file_name: z.string().min(1, 'must not be empty').max(1024).optional(),
  duration: z.int().min(0, 'must be an integer >= 0').optional(),
  created_at: Timestamp.optional(),
  content_type: z
    .string()
    .regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'must be a media type such as application/pdf')
    .optional(),
  content: ContentSchema.optional(),
  size: z
    .int()
    .min(0, 'must be an integer >= 0')
    .max(MAX_DOWNLOAD_BYTES, `must be at most ${MAX_DOWNLOAD_BYTES} bytes`)
    .optional(),
});

/** Path segments that fixed routes under /v1/sessions/ take before a session id could. */
export const RESERVED_SESSION_IDS = ['all', 'history', 'async', 'pending-interventions'] as const;

const SessionId = Id.refine((id) => !(RESERVED_SESSION_IDS as readonly string[]).includes(id), {
  error: `must not be ${RESERVED_SESSION_IDS.map((id) => `"${id}"`).join(', ')}: routes under /v1/sessions/ take those`,
});

export const SESSION_STATUSES = ['running', 'completed', 'failed'] as const;

export const SessionFixture = z.strictObject({
  id: SessionId.optional(),
  created_at: Timestamp.optional(),
  /** Default completed; with --db, applied when the session is first written, kept after that. */
  status: z.enum(SESSION_STATUSES, { error: `must be one of ${SESSION_STATUSES.join(', ')}` }).optional(),
  tags: z.array(z.string().max(256, 'must be at most 256 characters')).max(100, atMost(100)).optional(),
  downloads: z.array(DownloadFixture).max(MAX_ROWS.downloads, atMost(MAX_ROWS.downloads)).optional(),
});

/** At most `count` sessions created in any `per_seconds`-long window. */
export const SessionLimitSchema = z.strictObject({
  count: z.int().min(1, 'must be an integer >= 1'),
  per_seconds: z.int().min(1, 'must be an integer >= 1').max(31_536_000, 'must be at most 31536000 (a year)'),
});

/** How long after its trigger a download made by a rule or at run time is listed. */
export const AfterMs = z
  .int()
  .min(0, 'must be an integer >= 0')
  .max(10 * 365 * 24 * 3600 * 1000, 'must be at most ten years in milliseconds');

/**
 * A download a session rule gives: a fixture download without id (derived from
 * session, rule and index) or created_at (the trigger's time + after_ms).
 */
export const RuleDownloadFixture = DownloadFixture.omit({ id: true, created_at: true }).extend({
  after_ms: AfterMs.optional(),
});

export const SessionRuleFixture = z.strictObject({
  id: Id.optional(),
  when: z.strictObject({
    tags: z.array(z.string().min(1, 'must not be empty')).max(100, atMost(100)).optional(),
    url: z.string().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters').optional(),
  }),
  downloads: z.array(RuleDownloadFixture).max(MAX_ROWS.rule_downloads, atMost(MAX_ROWS.rule_downloads)),
});

export const AccountFixture = z.strictObject({
  id: Id,
  api_keys: z.array(ApiKeyEntry).max(MAX_ROWS.api_keys, atMost(MAX_ROWS.api_keys)).optional(),
  sessions: z.array(SessionFixture).max(MAX_ROWS.sessions, atMost(MAX_ROWS.sessions)).optional(),
  /** Credit balance; each created session spends one. Absent: never refused for credits. */
  credits: z.number().min(0, 'must be a number >= 0').finite().optional(),
  session_limit: SessionLimitSchema.optional(),
  session_rules: z.array(SessionRuleFixture).max(MAX_ROWS.session_rules, atMost(MAX_ROWS.session_rules)).optional(),
});

export const FixtureDocument = z.strictObject({
  accounts: z.array(AccountFixture).max(MAX_ROWS.accounts, atMost(MAX_ROWS.accounts)),
});

export type FixtureDocument = z.infer<typeof FixtureDocument>;
export type AccountFixture = z.infer<typeof AccountFixture>;
export type SessionFixture = z.infer<typeof SessionFixture>;
export type DownloadFixture = z.infer<typeof DownloadFixture>;
export type SessionRuleFixture = z.infer<typeof SessionRuleFixture>;
export type RuleDownloadFixture = z.infer<typeof RuleDownloadFixture>;
