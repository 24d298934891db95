import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';

// The vendor's whole document, read from the project's verbatim YAML copy
// here in the test, independently of src/contract: what the mock answers is
// checked against the document itself, not against the mock's reading of it.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Node = Record<string, unknown>;
interface RawOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: Node }[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Node }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Node }> }>;
  tags?: string[];
}
export interface VendorYaml {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Node> };
}

export const vendorYaml = YAML.parse(
  readFileSync(new URL('../../contract/anchorbrowser-openapi.yaml', import.meta.url), 'utf8'),
) as VendorYaml;

/** Referenced by every webhook operation, never defined by the document: read as `{"error": string}`. */
export const FLAT_ERROR_RESPONSE = {
  type: 'object',
  properties: { error: { type: 'string' } },
  required: ['error'],
};

export interface YamlOperation {
  key: string;
  method: string;
  path: string;
  raw: RawOperation;
}

/** Every operation of the YAML document, in its order. */
export const yamlOperations: YamlOperation[] = Object.entries(vendorYaml.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, raw]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, raw })),
);

/**
 * Properties the mock's answers may leave out, each with why (docs/contract.md
 * lists the same): `METHOD /path status` → JSON pointers of the missing
 * property, `*` for any array index.
 */
export const DOCUMENTED_OMISSIONS: Readonly<Record<string, readonly string[]>> = {};

/**
 * A schema in closed mode: every declared property required, recursively;
 * `nullable` admits null (the document is OpenAPI 3.1 but still writes the
 * 3.0 keyword).
 */
export function closedSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closedSchema);
  if (node === null || typeof node !== 'object') return node;
  const source = node as Node;
  const out: Node = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || key === 'example' || key === 'examples' || key === 'discriminator') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace(/^#/, 'vendor#');
    else if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Node).map(([k, v]) => [k, closedSchema(v)]));
      out.required = Object.keys(value as Node);
    } else if (key === 'required') continue;
    else out[key] = closedSchema(value);
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
    if (out.$ref || out.allOf || out.oneOf) return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

/** As the document declares it, only repaired: FlatErrorResponse defined, refs pointed at this copy. */
function openSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace(/^#/, 'open#');
    else if (key === 'properties')
      out.properties = Object.fromEntries(Object.entries(value as Node).map(([k, v]) => [k, openSchema(v)]));
    else if (key !== 'example' && key !== 'examples' && key !== 'discriminator') out[key] = openSchema(value);
  }
  if ((node as Node).nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

const schemas = { ...vendorYaml.components.schemas, FlatErrorResponse: FLAT_ERROR_RESPONSE };
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
ajv.addSchema({ $id: 'vendor', components: { schemas: closedSchema(schemas) } });
ajv.addSchema({ $id: 'open', components: { schemas: openSchema(schemas) } });

const compiled = new Map<string, ValidateFunction>();
function validator(cacheKey: string, schema: () => unknown): ValidateFunction {
  let v = compiled.get(cacheKey);
  if (!v) compiled.set(cacheKey, (v = ajv.compile(schema() as Node)));
  return v;
}

export function findOperation(method: string, path: string): YamlOperation {
  const op = yamlOperations.find((o) => o.method === method.toUpperCase() && o.path === path);
  if (!op) throw new Error(`No operation ${method} ${path} in the vendor document.`);
  return op;
}

/** The JSON schema a status declares, or undefined where it declares none (no status, or no body). */
export function declaredSchema(method: string, path: string, status: number): Node | undefined {
  const response = findOperation(method, path).raw.responses[String(status)];
  return response?.content?.['application/json']?.schema;
}

/** The error shape of a status without a declared body: ErrorResponse; FlatErrorResponse for webhooks. */
export function familyErrorComponent(path: string): 'ErrorResponse' | 'FlatErrorResponse' {
  return path.startsWith('/v1/webhooks') ? 'FlatErrorResponse' : 'ErrorResponse';
}

function format(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? ` (${(e.params as { missingProperty: string }).missingProperty})` : '';
    return `${e.instancePath || '/'} ${e.message ?? 'invalid'}${missing}`;
  });
}

function omitted(key: string, error: ErrorObject): boolean {
  if (error.keyword !== 'required') return false;
  const pointer = `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}`;
  return (DOCUMENTED_OMISSIONS[key] ?? []).some((p) => new RegExp(`^${p.replace(/\*/g, '\\d+')}$`).test(pointer));
}

/**
 * Problems with `body` as `METHOD path`'s `status` answer; [] if none. The
 * declared schema where the status declares a JSON body, else the family's
 * error shape with `error.code` equal to the status. `closed` requires every
 * declared property (minus DOCUMENTED_OMISSIONS).
 */
export function vendorProblems(
  method: string,
  path: string,
  status: number,
  body: unknown,
  options: { closed: boolean },
): string[] {
  const key = `${method.toUpperCase()} ${path} ${status}`;
  const base = options.closed ? 'vendor' : 'open';
  const schema = declaredSchema(method, path, status);
  if (schema) {
    const convert = options.closed ? closedSchema : openSchema;
    const validate = validator(`${base} ${key}`, () => convert(schema));
    const problems = validate(body) ? [] : format(validate.errors?.filter((e) => !omitted(key, e)));
    return [...problems, ...codeProblems(status, body)];
  }
  const component = familyErrorComponent(path);
  const validate = validator(`${base} ${component}`, () => ({ $ref: `${base}#/components/schemas/${component}` }));
  const problems = validate(body) ? [] : format(validate.errors);
  return [...problems, ...codeProblems(status, body)];
}

/** An error envelope's code (nested or not) is the status it answers with. */
function codeProblems(status: number, body: unknown): string[] {
  if (status < 300) return [];
  let error = (body as { error?: unknown } | null)?.error;
  if (error !== null && typeof error === 'object' && 'error' in error) error = error.error;
  if (error === null || typeof error !== 'object' || !('code' in error)) return [];
  return error.code === status ? [] : [`error.code ${String(error.code)} differs from the status ${status}`];
}

/** The statuses `METHOD /path` declares. */
export const declaredStatuses = (key: string) => {
  const [method, path] = key.split(' ') as [string, string];
  return Object.keys(findOperation(method, path).raw.responses).map(Number);
};

/** The media types `METHOD /path` declares for `status` (application/json, image/png, video/mp4…). */
export const declaredMediaTypes = (key: string, status: number) => {
  const [method, path] = key.split(' ') as [string, string];
  return Object.keys(findOperation(method, path).raw.responses[String(status)]?.content ?? {});
};

/** Problems with `body` as `METHOD /path`'s answer for `status`, in closed mode; [] if none. */
export function closedProblems(key: string, status: number, body: unknown): string[] {
  const [method, path] = key.split(' ') as [string, string];
  return vendorProblems(method, path, status, body, { closed: true });
}
