import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Test } from 'tap';
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
 * The document as ajv reads it: FlatErrorResponse defined, refs pointed at
 * this copy, and the 3.0 keyword `nullable` in the 3.1 form: a null added
 * to a string `type` (an `enum` still has to list null to allow it), or
 * `anyOf` null beside a `$ref`, `allOf`, `oneOf` or `anyOf`.
 */
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace(/^#/, 'vendor#');
    else if (key === 'properties')
      out.properties = Object.fromEntries(Object.entries(value as Node).map(([k, v]) => [k, normalize(v)]));
    else if (!['nullable', 'example', 'examples', 'discriminator'].includes(key)) out[key] = normalize(value);
  }
  if ((node as Node).nullable !== true) return out;
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  if (out.$ref || out.allOf || out.oneOf || out.anyOf) return { anyOf: [{ type: 'null' }, out] };
  return out;
}

const components = normalize({ ...vendorYaml.components.schemas, FlatErrorResponse: FLAT_ERROR_RESPONSE }) as Record<
  string,
  Node
>;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
ajv.addSchema({ $id: 'vendor', components: { schemas: components } });

const compiled = new Map<unknown, ValidateFunction>();
function validator(schema: unknown): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = ajv.compile(schema as Node)));
  return v;
}

/** Each operation's normalized response schemas, by `METHOD /path status`. */
const declared = new Map<string, Node>(
  yamlOperations.flatMap((op) =>
    Object.entries(op.raw.responses).flatMap(([status, response]) => {
      const schema = response.content?.['application/json']?.schema;
      return schema ? [[`${op.key} ${status}`, normalize(schema) as Node] as const] : [];
    }),
  ),
);

export function findOperation(method: string, path: string): YamlOperation {
  const op = yamlOperations.find((o) => o.method === method.toUpperCase() && o.path === path);
  if (!op) throw new Error(`No operation ${method} ${path} in the vendor document.`);
  return op;
}

/** The error shape of a status without a declared body: ErrorResponse; FlatErrorResponse for webhooks. */
export function familyErrorComponent(path: string): 'ErrorResponse' | 'FlatErrorResponse' {
  return path.startsWith('/v1/webhooks') ? 'FlatErrorResponse' : 'ErrorResponse';
}

/** `data.items[3].id` as a JSON pointer, `/data/items/3/id`. */
const pointerOf = (path: string) =>
  `/${path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .join('/')}`;

/** A schema with its `$ref`s followed. */
function resolve(schema: unknown): Node {
  let s = schema as Node | undefined;
  while (typeof s?.$ref === 'string') s = components[s.$ref.replace(/^vendor#\/components\/schemas\//, '')];
  return s ?? {};
}

/** What one object level of a body declares: its problems below, the keys its schemas name, additional ones allowed. */
interface Level {
  problems: string[];
  keys: Set<string>;
  open: boolean;
}

const isObject = (body: unknown): body is Node => body !== null && typeof body === 'object' && !Array.isArray(body);
const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Keys of `body` that no schema of its level declares (none where the level declares no property or allows more). */
const undeclared = (level: Level, body: unknown, path: string) =>
  level.open || level.keys.size === 0 || !isObject(body)
    ? []
    : Object.keys(body)
        .filter((key) => !level.keys.has(key))
        .map((key) => `${at(path, key)} is not declared`);

/**
 * One level of the closed-mode walk: every property its schemas declare
 * (through `allOf`, and the `oneOf` or `anyOf` branch the body fits and fills
 * best) is present unless `isAbsent` allows it, and each is walked in turn.
 */
function walkLevel(schema: unknown, body: unknown, path: string, isAbsent: (path: string) => boolean): Level {
  const s = resolve(schema);
  const extra = s.additionalProperties;
  const level: Level = { problems: [], keys: new Set(), open: extra !== undefined && extra !== false };
  const merge = (part: Level) => {
    level.problems.push(...part.problems);
    for (const key of part.keys) level.keys.add(key);
    level.open ||= part.open;
  };
  for (const part of (s.allOf as unknown[] | undefined) ?? []) merge(walkLevel(part, body, path, isAbsent));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const fitting = ((s[key] as unknown[] | undefined) ?? []).filter((branch) => validator(branch)(body));
    const walked = fitting.map((branch) => walkLevel(branch, body, path, isAbsent));
    const score = (l: Level) => l.problems.length + undeclared(l, body, path).length;
    if (walked.length) merge(walked.reduce((best, l) => (score(l) < score(best) ? l : best)));
  }
  if (Array.isArray(body) && s.items) {
    body.forEach((item, i) => level.problems.push(...closedWalk(s.items, item, `${path}[${i}]`, isAbsent)));
  }
  if (!isObject(body)) return level;
  for (const [key, sub] of Object.entries((s.properties as Node | undefined) ?? {})) {
    level.keys.add(key);
    if (key in body) level.problems.push(...closedWalk(sub, body[key], at(path, key), isAbsent));
    else if (!isAbsent(at(path, key))) level.problems.push(`${at(path, key)} is declared but missing`);
  }
  return level;
}

/** The closed-mode walk: every declared property present (see walkLevel), and none undeclared. */
function closedWalk(schema: unknown, body: unknown, path: string, isAbsent: (path: string) => boolean): string[] {
  const level = walkLevel(schema, body, path, isAbsent);
  return [...level.problems, ...undeclared(level, body, path)];
}

/**
 * Problems with `body` as `METHOD path`'s `status` answer (the path as the
 * document spells it); [] if none. Ajv checks it against the schema the status
 * declares, else against the family's error shape (a status the document does
 * not declare is answered in it), and an error's `code` must be the status.
 * `closed` adds the closed-mode walk: every declared property present, none
 * undeclared; `absent` lists properties (`data.session`) the document allows
 * to be missing, DOCUMENTED_OMISSIONS those the mock leaves out.
 */
export function vendorProblems(
  method: string,
  path: string,
  status: number,
  body: unknown,
  options: { closed: boolean; absent?: readonly string[] },
): string[] {
  const key = `${method.toUpperCase()} ${path} ${status}`;
  findOperation(method, path);
  const schema = declared.get(key) ?? { $ref: `vendor#/components/schemas/${familyErrorComponent(path)}` };
  const validate = validator(schema);
  const problems = validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  if (options.closed) {
    const omitted = (DOCUMENTED_OMISSIONS[key] ?? []).map((p) => new RegExp(`^${p.replace(/\*/g, '\\d+')}$`));
    const isAbsent = (at: string) =>
      (options.absent ?? []).includes(at) || omitted.some((pattern) => pattern.test(pointerOf(at)));
    problems.push(...closedWalk(schema, body, '', isAbsent));
  }
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

/** Asserts `body` is the document's closed-mode `status` answer of `METHOD path`. */
export function expectVendor(t: Test, method: string, path: string, body: unknown, status = 200): void {
  t.same(vendorProblems(method, path, status, body, { closed: true }), [], `${method} ${path} ${status}`);
}
