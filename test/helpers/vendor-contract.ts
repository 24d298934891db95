import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';

// Validates bodies against the vendor's whole document, in closed mode: every
// property a schema declares is required, so an answer that omits one fails.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface MediaType {
  schema?: unknown;
}
interface ResponseSpec {
  content?: Record<string, MediaType>;
}
interface OperationSpec {
  responses: Record<string, ResponseSpec>;
}
interface VendorDocument {
  paths: Record<string, Record<string, OperationSpec>>;
  components: { schemas: Record<string, unknown> };
}

export const vendor = YAML.parse(
  readFileSync(new URL('../../contract/anchorbrowser-openapi.yaml', import.meta.url), 'utf8'),
) as VendorDocument;

// Referenced by the webhook operations, never defined in the document: the flat `{"error": string}`.
const FLAT_ERROR = { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] };

/** A deep copy in which every object schema requires all its declared properties, and refs point at 'vendor'. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' ? v.replace(/^#\//, 'vendor#/') : closed(v);
  }
  const props = out.properties;
  if (props && typeof props === 'object' && !Array.isArray(props)) {
    const required = new Set([...((out.required as string[] | undefined) ?? []), ...Object.keys(props)]);
    out.required = [...required];
  }
  return out;
}

const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
ajv.addSchema({
  $id: 'vendor',
  components: closed({
    ...vendor.components,
    schemas: { ...vendor.components.schemas, FlatErrorResponse: FLAT_ERROR },
  }),
});

const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** The operation as the document declares it (`METHOD /path`, the path spelt as the document spells it). */
export function operationOf(key: string): OperationSpec {
  const [method, path] = key.split(' ') as [string, string];
  const op = vendor.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`the vendor document has no operation ${key}`);
  return op;
}

/** The statuses the operation declares. */
export const declaredStatuses = (key: string) => Object.keys(operationOf(key).responses).map(Number);

/** The media types the operation declares for `status` (application/json, image/png, video/mp4…). */
export const declaredMediaTypes = (key: string, status: number) =>
  Object.keys(operationOf(key).responses[String(status)]?.content ?? {});

/**
 * Problems with `body` as the operation's JSON answer for `status`, in closed
 * mode; [] if none. Throws when the document declares no JSON schema there.
 */
export function closedProblems(key: string, status: number, body: unknown): string[] {
  const id = `${key} ${status}`;
  let validate = validators.get(id);
  if (!validate) {
    const schema = operationOf(key).responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${key} declares no JSON body for ${status}`);
    validate = ajv.compile(closed(schema) as object);
    validators.set(id, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
