import { z } from 'zod';
import { CLOCK_MODES } from '../domain/clock.js';
import { JOURNAL_BODY_LIMIT } from '../domain/journal-body.js';
import { AfterMs, Base64, DownloadFixture, Id } from './fixture-schema.js';

// Bodies of the /_mock control API (anchorbrowser-mock's own, not the contract's).

export const FAULT_STATUSES = [401, 404, 429, 500, 502, 503, 504] as const;

/** A method to match, in any case; matched as uppercase. */
const MethodMatch = z
  .string()
  .regex(/^[A-Za-z]+$/, 'must be an HTTP method such as GET')
  .transform((m) => m.toUpperCase());

/** A path pattern, as fault rules and journal filters match the request path (without its query). */
const PathMatch = z
  .string()
  .max(2048)
  .regex(/^(?:\*$|\/)/, 'must be * (any path) or start with /');
const PATH_MATCH_TEXT =
  'Match the request path: "*" alone matches any path; else it starts with /, * matching any run.';

/** What a fault rule does instead of answering. */
export const FaultErrorKind = z.enum(['reset', 'empty']);

export const FaultRuleInput = z
  .strictObject({
    method: MethodMatch.optional().describe('Match only this method.'),
    path: PathMatch.optional().describe(PATH_MATCH_TEXT),
    session_id: Id.optional().describe('Match only requests for this session.'),
    api_key: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Match only requests made with this key (stored hashed, listed by fingerprint).'),
    status: z
      .literal(FAULT_STATUSES, { error: `must be one of ${FAULT_STATUSES.join(', ')}` })
      .optional()
      .describe(`Answer this status in the error envelope: one of ${FAULT_STATUSES.join(', ')}.`),
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'),
        // What Node accepts in a header value: tab, visible ASCII, space, and obs-text.
        z
          .string()
          .max(8192)
          .regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'must be a valid header value (no control characters)'),
      )
      .optional()
      .describe('Extra response headers with status, e.g. {"retry-after": "1"}.'),
    error: FaultErrorKind.optional().describe('"reset" destroys the connection; "empty" closes it without a reply.'),
    delay_ms: z.int().min(0).max(600_000).optional().describe('Wait this long first (added to --latency).'),
    times: z.int().min(1).optional().describe('Expire the rule after this many matches.'),
  })
  .refine((r) => !(r.status !== undefined && r.error !== undefined), { message: 'give status or error, not both' })
  .refine((r) => r.status !== undefined || r.error !== undefined || r.delay_ms !== undefined, {
    message: 'a rule needs status, error or delay_ms',
  })
  .refine((r) => r.headers === undefined || r.status !== undefined, {
    message: 'headers go with status',
    path: ['headers'],
  });
export type FaultRuleInput = z.output<typeof FaultRuleInput>;

export const FaultRuleView = z
  .object({
    id: z.string(),
    method: z.string().optional(),
    path: z.string().optional(),
    session_id: z.string().optional(),
    api_key_fingerprint: z.string().optional(),
    status: z.int().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    error: FaultErrorKind.optional(),
    delay_ms: z.int().optional(),
    times: z.int().optional(),
    remaining: z.int().nullable().describe('Matches left before the rule expires; null for no limit.'),
    hits: z.int(),
  })
  .meta({ id: 'FaultRule' });
export type FaultRuleView = z.infer<typeof FaultRuleView>;

export const LoadCountsSchema = z.object({
  accounts: z.int(),
  api_keys: z.int(),
  sessions: z.int(),
  downloads: z.int(),
});
export type LoadCounts = z.infer<typeof LoadCountsSchema>;

/** What a load stored, per source and in all. */
const LoadSummaryData = z.object({
  sources: z.array(LoadCountsSchema.extend({ name: z.string() })),
  totals: LoadCountsSchema,
});
export type LoadSummary = z.infer<typeof LoadSummaryData>;

export const LoadSummarySchema = z.object({ data: LoadSummaryData }).meta({ id: 'LoadSummary' });

/** One problem with fixtures, as FixtureError and the 400 answer of POST /_mock/fixtures list it. */
export const FixtureProblemSchema = z.object({
  // A file path, or a label such as "request body".
  source: z.string(),
  // e.g. accounts[0].sessions[1].downloads[3].original_download_url
  path: z.string(),
  message: z.string(),
  line: z.int().optional().describe('1-based, for documents sent as text (YAML types, text/plain).'),
  column: z.int().optional(),
});
export type FixtureProblem = z.infer<typeof FixtureProblemSchema>;

export const StateSchema = z
  .object({
    data: z.object({
      accounts: z.array(LoadCountsSchema.omit({ accounts: true }).extend({ id: z.string() })),
      totals: LoadCountsSchema,
    }),
  })
  .meta({ id: 'MockState' });

const KB = JOURNAL_BODY_LIMIT / 1024;

export const JournalEntrySchema = z
  .object({
    id: z.int(),
    time: z.iso.datetime(),
    method: z.string(),
    path: z.string(),
    session_id: z.string().nullable(),
    status: z.int().describe('0 when a fault closed the connection without an answer.'),
    duration_ms: z.number(),
    response_bytes: z.int(),
    key_fingerprint: z.string().nullable().describe('First 4 characters of the key and a short hash; never the key.'),
    forced: z.boolean().describe('A Prefer: code=… header chose the answer.'),
    // The id of the fault rule that answered, if one did.
    fault_id: z.string().nullable(),
    content_type: z
      .string()
      .nullable()
      .describe('The media type of the recorded body, without parameters; null when body is null.'),
    body: z
      .unknown()
      .describe(
        'The request body, parsed, with every property named password or anchor-api-key (any depth, any case) ' +
          'and the request\'s own key redacted as "[redacted]". A multipart body is summarised: ' +
          '{fields: [{field, value}], files: [{field, file_name, content_type, size}], bytes}. When its JSON ' +
          `is longer than ${KB} KB: {truncated: true, bytes, text} with the first ${KB} KB of that JSON. ` +
          'null when the request had no body or was answered before its body was read.',
      ),
    body_truncated: z.boolean().describe('body is the cut form {truncated, bytes, text}.'),
  })
  .meta({ id: 'JournalEntry' });
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

export const JournalQuery = z.strictObject({
  method: MethodMatch.optional().describe('Only requests with this method (any case).'),
  path: PathMatch.optional().describe(PATH_MATCH_TEXT),
  session_id: z.string().optional(),
  status: z.coerce.number().int().min(0).max(599).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('Only entries at or after this time.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe('Only the newest N matches (still oldest first).'),
});

export const JournalResponse = z
  .object({ data: z.object({ count: z.int(), items: z.array(JournalEntrySchema) }) })
  .meta({ id: 'JournalResponse' });

export const ClockBody = z
  .strictObject({
    advance_ms: z.number().min(0).finite().optional(),
    now: z
      .union([z.iso.datetime({ offset: true }), z.literal('wall')])
      .optional()
      .describe('An ISO time, or "wall" for the wall clock\'s time.'),
    mode: z.enum(CLOCK_MODES).optional(),
  })
  .refine((b) => b.advance_ms !== undefined || b.now !== undefined || b.mode !== undefined, {
    message: 'give advance_ms, now or mode',
  })
  .refine((b) => !(b.advance_ms !== undefined && b.now !== undefined), { message: 'give advance_ms or now, not both' });

export const ClockState = z
  .object({ data: z.object({ mode: z.enum(CLOCK_MODES), now: z.iso.datetime(), epoch_ms: z.number() }) })
  .meta({ id: 'ClockState' });

/** A download added to a session at run time: a fixture download with its bytes inline, and an optional delay. */
export const AddedDownload = DownloadFixture.extend({
  content: z
    .union([z.strictObject({ text: z.string() }), z.strictObject({ base64: Base64 })], {
      error: 'must be one of {text} or {base64}',
    })
    .optional()
    .describe('The bytes, as text or base64; without content, size bytes are generated.'),
  after_ms: AfterMs.optional().describe('Listed once the mock clock is this many ms past now (default 0).'),
})
  .refine((d) => !(d.created_at !== undefined && d.after_ms !== undefined), {
    message: 'give created_at or after_ms, not both',
    path: ['after_ms'],
  })
  .meta({ id: 'AddedDownload' });
export type AddedDownload = z.infer<typeof AddedDownload>;

export const AddDownloadsBody = z.union([AddedDownload, z.array(AddedDownload).min(1).max(1000)]);
