// What the journal keeps of a request body: the parsed body with its secrets
// redacted, as JSON text cut to a fixed size, or a summary of a multipart body.
// Text rather than the parsed object: what a handler does to the body later
// cannot change it, and an entry costs at most the cap however large the body.

/** Largest serialized body an entry keeps whole, in bytes of UTF-8. */
export const JOURNAL_BODY_LIMIT = 16 * 1024;

export const REDACTED = '[redacted]';

/** Property (and multipart field) names whose values are never journaled. */
export const SECRET_NAME = /^(?:password|anchor-api-key)$/i;
const SECRET_PROPERTY = /"(?:password|anchor-api-key)":/i;
const CRLF_CRLF = Buffer.from('\r\n\r\n');

export interface BodySnapshot {
  /** The media type, lowercased, without its parameters. */
  contentType: string;
  /** The entry's `body` as JSON text. */
  json: string;
  /** The body was longer than the limit: `json` holds the cut form. */
  truncated: boolean;
}

/** The media type of a content-type header: "multipart/form-data" of "multipart/form-data; boundary=x". */
export function mediaType(header: string | undefined): string {
  if (header === undefined) return '';
  const semicolon = header.indexOf(';');
  return (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * The body as JSON text without secrets: properties named like SECRET_NAME at
 * any depth, and the request's own key wherever it appears in a string. The
 * plain serialization is tried first; the slower walk runs only when that
 * text shows something to redact.
 */
function redactedJson(value: unknown, apiKey: string | undefined): string {
  const plain = JSON.stringify(value) ?? 'null';
  const key = apiKey ? JSON.stringify(apiKey).slice(1, -1) : undefined;
  const hasKey = key !== undefined && plain.includes(key);
  if (!hasKey && !SECRET_PROPERTY.test(plain)) return plain;
  return JSON.stringify(value, (name: string, v: unknown) => {
    if (SECRET_NAME.test(name)) return REDACTED;
    if (!hasKey || !apiKey) return v;
    if (typeof v === 'string') return v.replaceAll(apiKey, REDACTED);
    // The key as a property name: the object again, renamed.
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.includes(apiKey)))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replaceAll(apiKey, REDACTED), x]));
    return v;
  });
}

/** A text field's value is cut to this many bytes (`truncated` and `size` say so). */
export const FIELD_VALUE_LIMIT = 1024;
/** Parts past this much summary are counted in `omitted`, not listed: room is left for its other keys. */
const SUMMARY_BUDGET = JOURNAL_BODY_LIMIT - 128;

export interface TextFieldSummary {
  field: string;
  value: string;
  /** Present when the value was cut: its whole size in bytes. */
  size?: number;
  truncated?: true;
}

export interface FileSummary {
  field: string;
  file_name: string;
  content_type: string;
  size: number;
}

export interface MultipartSummary {
  fields: TextFieldSummary[];
  files: FileSummary[];
  /** The whole body's size in bytes. */
  bytes: number;
  /** Parts left out once the summary reached its budget. */
  omitted?: number;
  /** Set when the body is not multipart/form-data with the boundary its content-type names. */
  unreadable?: true;
}

/** The boundary parameter of a multipart content-type header. */
function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/** A parameter of a Content-Disposition header: `name="a"` or `name=a`. */
function parameter(disposition: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(disposition);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

/** The value of one header among a part's header lines. */
function header(lines: string[], name: string): string | undefined {
  const prefix = `${name}:`;
  const line = lines.find((l) => l.toLowerCase().startsWith(prefix));
  return line?.slice(prefix.length).trim();
}

/** The first `limit` bytes of `bytes[start, end)` as UTF-8, not splitting a character. */
function textPrefix(bytes: Buffer, start: number, end: number, limit: number): string {
  let stop = Math.min(end, start + limit);
  if (stop < end) while (stop > start && (bytes[stop]! & 0xc0) === 0x80) stop--;
  return bytes.toString('utf8', start, stop);
}

/**
 * A multipart/form-data body as the journal shows it: its text fields, and the
 * names and sizes of its files, never their bytes. Read synchronously with
 * Buffer searches, so recording parses no file and keeps no reference to the body.
 */
export function summariseMultipart(contentType: string, body: Buffer): MultipartSummary {
  const summary: MultipartSummary = { fields: [], files: [], bytes: body.length };
  const boundary = boundaryOf(contentType);
  const opening = boundary && Buffer.from(`--${boundary}`);
  const delimiter = boundary && Buffer.from(`\r\n--${boundary}`);
  let at = opening ? body.indexOf(opening) : -1;
  if (!opening || !delimiter || at === -1) return { ...summary, unreadable: true };
  at += opening.length;
  let budget = SUMMARY_BUDGET;
  let omitted = 0;
  // Each turn starts just past a delimiter: "--" closes the body, else CRLF and a part's headers.
  while (body[at] !== 0x2d || body[at + 1] !== 0x2d) {
    const headEnd = body.indexOf(CRLF_CRLF, at);
    if (headEnd === -1) break;
    const end = body.indexOf(delimiter, headEnd + CRLF_CRLF.length);
    if (end === -1) break;
    const start = headEnd + CRLF_CRLF.length;
    const lines = body.toString('utf8', at, headEnd).split('\r\n');
    const disposition = header(lines, 'content-disposition') ?? '';
    const field = parameter(disposition, 'name') ?? '';
    const fileName = parameter(disposition, 'filename');
    const size = end - start;
    let part: TextFieldSummary | FileSummary;
    if (fileName !== undefined) {
      const type = header(lines, 'content-type') || 'application/octet-stream';
      part = { field, file_name: fileName, content_type: type, size };
    } else if (SECRET_NAME.test(field)) part = { field, value: REDACTED };
    else {
      const value = textPrefix(body, start, end, FIELD_VALUE_LIMIT);
      part = size > FIELD_VALUE_LIMIT ? { field, value, size, truncated: true } : { field, value };
    }
    // Parts are listed in order while they fit; once one does not, the rest are only counted.
    const cost = omitted > 0 ? Infinity : Buffer.byteLength(JSON.stringify(part)) + 1;
    if (cost > budget) omitted++;
    else {
      budget -= cost;
      if ('file_name' in part) summary.files.push(part);
      else summary.fields.push(part);
    }
    at = end + delimiter.length;
  }
  return omitted > 0 ? { ...summary, omitted } : summary;
}

/** The first `limit` bytes of `text` as UTF-8, not splitting a character. */
export function utf8Prefix(text: string, limit: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= limit) return text;
  let end = limit;
  // Back off continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.toString('utf8', 0, end);
}

/**
 * What the journal records of a parsed request body. `contentTypeHeader` is
 * the request's; `apiKey` its `anchor-api-key`, redacted wherever it appears.
 */
export function snapshotBody(
  contentTypeHeader: string | undefined,
  body: unknown,
  apiKey: string | string[] | undefined,
): BodySnapshot {
  const contentType = mediaType(contentTypeHeader);
  const key = typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
  let value = body;
  if (Buffer.isBuffer(body)) {
    // Only a byte summary: file contents never enter the journal.
    value =
      contentType === 'multipart/form-data'
        ? summariseMultipart(contentTypeHeader ?? '', body)
        : { bytes: body.length };
  }
  const json = redactedJson(value, key);
  // A UTF-16 unit is at most 3 bytes of UTF-8: most bodies are decided without encoding them.
  if (json.length * 3 <= JOURNAL_BODY_LIMIT) return { contentType, json, truncated: false };
  const bytes = Buffer.byteLength(json);
  if (bytes <= JOURNAL_BODY_LIMIT) return { contentType, json, truncated: false };
  const cut = { truncated: true, bytes, text: utf8Prefix(json, JOURNAL_BODY_LIMIT) };
  return { contentType, json: JSON.stringify(cut), truncated: true };
}
