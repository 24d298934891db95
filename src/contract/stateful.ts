import type { MockContext } from '../domain/mock-context.js';

/**
 * What a stateful vendor operation receives once the pipeline has let the
 * request through: key checked, bucket charged, path, query and body
 * validated against the vendor document. Framework-free, so the domain's
 * handlers are tested without HTTP.
 */
export interface OperationCall {
  /** The account of the request's key, and the key's fixture `name` if it has one. */
  account: { id: string; keyName?: string };
  /** Path parameters by the names the vendor document gives them (`session_id`, `sessionId`, …). */
  params: Record<string, string>;
  query: Record<string, unknown>;
  /** Parsed JSON body; for multipart bodies, see `files` and `fields`. */
  body: unknown;
  /** Multipart parts, when the operation takes multipart/form-data. */
  files?: { field: string; fileName: string; contentType: string; bytes: Buffer }[];
  fields?: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** The mock clock, epoch milliseconds. */
  now: number;
}

/**
 * The answer. A JSON `body` is sent as it is (it must match the status's
 * declared schema). An error status without a body is rendered in the shape
 * the operation declares for it (`{"error":{"code","message"}}`, the nested
 * or the flat variant), with `message`. `bytes` answers a binary status
 * (PNG, MP4, PDF) with `contentType`.
 */
export interface OperationResult {
  status: number;
  body?: unknown;
  message?: string;
  bytes?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export type StatefulHandler = (call: OperationCall, mock: MockContext) => OperationResult | Promise<OperationResult>;

/** Stateful handlers by `METHOD /path` exactly as the vendor document spells it, e.g. `POST /v1/sessions`. */
export type StatefulHandlers = Readonly<Record<string, StatefulHandler>>;
