import { SDK_ONLY_PATHS } from './sdk-only-operations.js';
import { resolveRef, vendorDocument, type SchemaNode } from './vendor-document.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How an operation's error status is shaped, as the vendor document declares it (docs/contract.md). */
export type ErrorShape =
  /** `{"error":{"code","message"}}`: ErrorResponse, and every status declared without a body. */
  | 'envelope'
  /** `{"error":{"error":{"code","message"}}}`: a property whose schema is ErrorResponse (uploads, goto…). */
  | 'nested'
  /** `{"error": string}`: FlatErrorResponse (webhooks), screenshot, page-pdf; `details` where declared. */
  | 'flat';

export interface VendorParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: SchemaNode;
}

export interface VendorResponse {
  description: string;
  /** The first declared media type, if the status declares a body. */
  contentType?: string;
  schema?: SchemaNode;
}

export interface VendorOperation {
  /** `METHOD /path` as the document spells the path: the key of stateful handlers. */
  key: string;
  method: HttpMethod;
  /** The document's path, `{name}` parameters. */
  path: string;
  /** Fastify's path syntax, `:name` parameters. */
  url: string;
  tags: string[];
  summary: string;
  parameters: VendorParameter[];
  body?: { contentType: string; schema: SchemaNode; required: boolean };
  responses: ReadonlyMap<number, VendorResponse>;
  /** The status of a success answer (200, or 201/202 where that is what the operation declares). */
  successStatus: number;
  /** The shape of this operation's errors when a status is undeclared or declared without a body. */
  familyShape: ErrorShape;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** The shape a declared error schema gives its body. */
export function errorShapeOf(schema: SchemaNode | undefined, fallback: ErrorShape): ErrorShape {
  if (!schema) return fallback;
  const node = resolveRef(schema);
  const error = (node.properties as Record<string, SchemaNode> | undefined)?.error;
  if (!error) return fallback;
  if (typeof error.$ref === 'string') return 'nested';
  return error.type === 'string' ? 'flat' : 'envelope';
}

interface MediaType {
  schema?: SchemaNode;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

/** A media type's `example`, else the value of the first of its named `examples`. */
function mediaExample(media: MediaType): unknown {
  if (media.example !== undefined) return media.example;
  return Object.values(media.examples ?? {})[0]?.value;
}

function operationOf(path: string, method: string, raw: Record<string, unknown>): VendorOperation {
  const upper = method.toUpperCase() as HttpMethod;
  const responses = new Map<number, VendorResponse>();
  for (const [code, value] of Object.entries(raw.responses as Record<string, Record<string, unknown>>)) {
    const content = value.content as Record<string, MediaType> | undefined;
    const [contentType, media] = content ? Object.entries(content)[0]! : [];
    const example = media && mediaExample(media);
    // The media type's example is an example of its schema: JSON Schema's own keyword carries it to synthesis.
    const schema = media?.schema && (example === undefined ? media.schema : { ...media.schema, examples: [example] });
    responses.set(Number(code), {
      description: String(value.description ?? ''),
      ...(contentType && { contentType }),
      ...(schema && { schema }),
    });
  }
  const requestBody = raw.requestBody as
    { required?: boolean; content: Record<string, { schema?: SchemaNode }> } | undefined;
  const [bodyType, bodyMedia] = requestBody ? Object.entries(requestBody.content)[0]! : [];
  const successStatus = [...responses.keys()].find((code) => code >= 200 && code < 300) ?? 200;
  return {
    key: `${upper} ${path}`,
    method: upper,
    path,
    url: path.replace(/\{([^}]+)\}/g, ':$1'),
    tags: (raw.tags as string[] | undefined) ?? [],
    summary: String(raw.summary ?? ''),
    parameters: ((raw.parameters as VendorParameter[] | undefined) ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required === true,
      schema: p.schema ?? {},
    })),
    ...(bodyType && {
      body: { contentType: bodyType, schema: bodyMedia?.schema ?? {}, required: requestBody!.required === true },
    }),
    responses,
    successStatus,
    // The webhook family's errors are all FlatErrorResponse; every other family's, ErrorResponse.
    familyShape: path.startsWith('/v1/webhooks') ? 'flat' : 'envelope',
  };
}

let operations: readonly VendorOperation[] | undefined;

/** Every operation of the vendor document, in its order, then the SDK-only ones; built once per process. */
export function vendorOperations(): readonly VendorOperation[] {
  if (operations) return operations;
  const list: VendorOperation[] = [];
  // The vendor's, then the two the official SDK calls that the document lacks.
  for (const [path, item] of [...Object.entries(vendorDocument().paths), ...Object.entries(SDK_ONLY_PATHS)]) {
    for (const [method, raw] of Object.entries(item)) {
      if (METHODS.has(method)) list.push(operationOf(path, method, raw as Record<string, unknown>));
    }
  }
  operations = list;
  return list;
}

/** The shape of `status`'s error body for this operation. */
export function errorShapeFor(operation: VendorOperation, status: number): ErrorShape {
  return errorShapeOf(operation.responses.get(status)?.schema, operation.familyShape);
}
