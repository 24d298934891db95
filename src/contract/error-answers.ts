import { resolveRef } from './vendor-document.js';
import { errorShapeFor, type VendorOperation } from './vendor-operations.js';

/**
 * The error body `operation` answers with `status`, in the shape the vendor
 * document declares for it (docs/contract.md): the envelope, the nested
 * envelope, or the flat string — with `details` where that status declares it.
 */
export function errorBodyFor(operation: VendorOperation, status: number, message: string): unknown {
  const shape = errorShapeFor(operation, status);
  if (shape === 'nested') return { error: { error: { code: status, message } } };
  if (shape === 'envelope') return { error: { code: status, message } };
  const schema = operation.responses.get(status)?.schema;
  const declaresDetails = schema !== undefined && 'details' in ((resolveRef(schema).properties as object) ?? {});
  return declaresDetails ? { error: message, details: [] } : { error: message };
}

/** The message of a declared status: its description in the vendor document, else a generic one. */
export function messageFor(operation: VendorOperation, status: number): string {
  const description = operation.responses.get(status)?.description.trim();
  if (description) return description.endsWith('.') ? description : `${description}.`;
  return GENERIC_MESSAGES[status] ?? 'The request failed.';
}

/** Messages for statuses an operation does not declare. */
export const GENERIC_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Invalid request.',
  401: 'Invalid or missing API key.',
  402: 'Insufficient credits.',
  403: 'Forbidden.',
  404: 'Not found.',
  408: 'Request timeout.',
  409: 'Conflict.',
  412: 'Precondition failed.',
  422: 'Unprocessable entity.',
  429: 'Too many requests, please try again later.',
  500: 'Internal server error.',
  501: 'Not implemented.',
  502: 'Bad gateway.',
  503: 'Service unavailable.',
  504: 'Gateway timeout.',
};
