import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';
import { DownloadItemComplete } from '../../src/schemas/api-schemas.js';

// Validates response bodies against the project's verbatim copy of the
// reference contract, not against our own zod schemas.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export const contract = YAML.parse(
  readFileSync(new URL('../contract/list-session-downloads.openapi.yaml', import.meta.url), 'utf8'),
) as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
ajv.addSchema({ $id: 'contract', components: contract.components });
const refOf = (schema: unknown) => (schema as { $ref: string }).$ref.replace('#/', 'contract#/');

const validators = new Map<string, ReturnType<typeof ajv.compile>>();
function validatorFor(ref: string) {
  let v = validators.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: ref });
    validators.set(ref, v);
  }
  return v;
}

/** Problems with `body` as the contract's `status` answer of List Session Downloads; [] if none. */
export function contractProblems(status: number, body: unknown): string[] {
  const response = contract.paths['/v1/sessions/{session_id}/downloads']!.get!.responses[String(status)];
  // Statuses the contract does not declare (405, 416, 5xx…) use its ErrorResponse, as the mock does.
  const schema = response?.content?.['application/json']?.schema ?? { $ref: '#/components/schemas/ErrorResponse' };
  const validate = validatorFor(refOf(schema));
  const problems = validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  if (status === 200) {
    // The contract requires no field; the mock promises all nine on every item.
    const items = (body as { data?: { items?: unknown[]; count?: number } }).data?.items ?? [];
    items.forEach((item, i) => {
      const r = DownloadItemComplete.safeParse(item);
      if (!r.success) problems.push(...r.error.issues.map((x) => `items[${i}].${x.path.join('.')}: ${x.message}`));
    });
    if ((body as { data?: { count?: number } }).data?.count !== items.length)
      problems.push('count differs from items.length');
  } else {
    const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
    if (error?.code !== status) problems.push(`error.code ${String(error?.code)} differs from the status ${status}`);
    if (typeof error?.message !== 'string' || error.message === '') problems.push('error.message is missing');
  }
  return problems;
}

/** Problems with a body under a named contract component (e.g. ErrorResponse); [] if none. */
export function componentProblems(component: string, body: unknown): string[] {
  const validate = validatorFor(`contract#/components/schemas/${component}`);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

// The vendor's whole document (contract/anchorbrowser-openapi.yaml), for the
// operations beyond List Session Downloads. It references a FlatErrorResponse
// it never defines; it is read here as {"error": string}. Its 3.0-style
// `nullable: true` is turned into the 3.1 form ajv understands.
type Json = unknown;
type Operation = { responses: Record<string, { content?: Record<string, { schema?: Json }> }> };

function normalize(node: Json): Json {
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace(/^#\//, 'vendor#/');
    else if (k !== 'nullable') out[k] = normalize(v);
  }
  if ((node as { nullable?: unknown }).nullable !== true) return out;
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

const vendorRaw = YAML.parse(
  readFileSync(new URL('../../contract/anchorbrowser-openapi.yaml', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } };
vendorRaw.components.schemas.FlatErrorResponse ??= {
  type: 'object',
  properties: { error: { type: 'string' } },
  required: ['error'],
};
export const vendor = normalize(vendorRaw) as typeof vendorRaw;

const vendorAjv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
vendorAjv.addSchema({ $id: 'vendor', components: vendor.components });
const vendorValidators = new Map<Json, ReturnType<typeof vendorAjv.compile>>();
function vendorValidator(schema: Json) {
  let v = vendorValidators.get(schema);
  if (!v) {
    v = vendorAjv.compile(schema as object);
    vendorValidators.set(schema, v);
  }
  return v;
}

const resolve = (schema: Json): Record<string, Json> => {
  let s = schema as Record<string, Json>;
  while (typeof s?.$ref === 'string') {
    const path = s.$ref.replace(/^vendor#\/components\/schemas\//, '');
    s = vendor.components.schemas[path] as Record<string, Json>;
  }
  return s ?? {};
};

/**
 * Closed mode: every property the schema declares is present (null allowed
 * where declared nullable) and none it does not declare, unless the object
 * takes additional properties. `absent` lists the paths (`data.session`)
 * allowed to be missing because the document says when they are.
 */
function closedProblems(schema: Json, body: Json, path: string, absent: readonly string[]): string[] {
  const s = resolve(schema);
  const problems: string[] = [];
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = s[key] as Json[] | undefined;
    const fitting = branches?.find((b) => vendorValidator(b)(body));
    if (fitting) problems.push(...closedProblems(fitting, body, path, absent));
  }
  for (const part of (s.allOf as Json[] | undefined) ?? []) problems.push(...closedProblems(part, body, path, absent));
  if (Array.isArray(body) && s.items) {
    body.forEach((item, i) => problems.push(...closedProblems(s.items, item, `${path}[${i}]`, absent)));
  }
  const props = s.properties as Record<string, Json> | undefined;
  if (!props || body === null || typeof body !== 'object' || Array.isArray(body)) return problems;
  const at = (key: string) => (path ? `${path}.${key}` : key);
  for (const [key, sub] of Object.entries(props)) {
    if (!(key in body)) {
      if (!absent.includes(at(key))) problems.push(`${at(key)} is declared but missing`);
    } else problems.push(...closedProblems(sub, (body as Record<string, Json>)[key], at(key), absent));
  }
  if (s.additionalProperties === undefined || s.additionalProperties === false) {
    if (!s.allOf) {
      for (const key of Object.keys(body)) if (!(key in props)) problems.push(`${at(key)} is not declared`);
    }
  }
  return problems;
}

/**
 * Problems with `body` as the vendor document's `status` answer of
 * `METHOD path` (the path as the document spells it); [] if none. A status
 * the operation does not declare is checked against ErrorResponse, as the
 * mock answers those in the envelope. `closed` adds the closed-mode checks.
 */
export function vendorResponseProblems(
  method: string,
  path: string,
  status: number,
  body: unknown,
  options: { closed?: boolean; absent?: readonly string[] } = {},
): string[] {
  const operation = vendor.paths[path]?.[method.toLowerCase()];
  if (!operation) return [`the vendor document has no ${method} ${path}`];
  const declared = operation.responses[String(status)]?.content?.['application/json']?.schema;
  const schema = declared ?? { $ref: 'vendor#/components/schemas/ErrorResponse' };
  const validate = vendorValidator(schema);
  const problems = validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  if (options.closed) problems.push(...closedProblems(schema, body, '', options.absent ?? []));
  return problems;
}
