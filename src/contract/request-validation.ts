import type { ErrorObject, ValidateFunction } from 'ajv';
import { vendorDocument, type SchemaNode } from './vendor-document.js';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { vendorOperations, type VendorOperation } from './vendor-operations.js';

// What the mock checks of a request (docs/contract.md): declared types,
// required fields and enums. Unknown properties are accepted and kept (the SDK
// sends some the document lacks); formats, patterns and length or range
// bounds are not enforced; oneOf is read as anyOf, so overlapping branches do
// not refuse a body that matches both.
const DROPPED = new Set([
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'discriminator',
  'example',
  'examples',
  'default',
  'description',
  'title',
]);
const REF_BASE = 'vendor-request';

/** A vendor schema as the request check reads it. */
export function lenientSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(lenientSchema);
  if (node === null || typeof node !== 'object') return node;
  const source = node as SchemaNode;
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(source)) {
    if (DROPPED.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace(/^#/, `${REF_BASE}#`);
    else if (key === 'oneOf') out.anyOf = lenientSchema(value);
    else if (key === 'properties') {
      // Property names are data, not keywords: keep every one.
      out.properties = Object.fromEntries(
        Object.entries(value as SchemaNode).map(([name, schema]) => [name, lenientSchema(schema)]),
      );
    } else out[key] = lenientSchema(value);
  }
  if (source.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  // Not a JSON Schema type: a multipart file part arrives as its own file list.
  if (out.type === 'string' && source.format === 'binary') delete out.type;
  return out;
}

export type RequestPart = 'query' | 'body';

/** How Ajv compiles the checks of one part of a request (scripts/build-validators.mjs). */
export function ajvOptions(part: RequestPart): Record<string, unknown> {
  return {
    strict: false,
    allErrors: false,
    // Query strings arrive as text: the query check converts "5" to 5 as the schema types it.
    coerceTypes: part === 'query' ? 'array' : false,
    useDefaults: false,
    // The vendor's schemas are data the build already parsed, not checked against the meta-schema.
    validateSchema: false,
    addUsedSchema: false,
  };
}

/** The schemas the build compiles for one part of every operation's request, by operation key. */
export function requestSchemas(part: RequestPart): { components: SchemaNode; schemas: [string, SchemaNode][] } {
  const schemas: [string, SchemaNode][] = [];
  for (const operation of vendorOperations()) {
    if (part === 'body' && operation.body)
      schemas.push([operation.key, lenientSchema(operation.body.schema) as SchemaNode]);
    const queryParams = operation.parameters.filter((p) => p.in === 'query');
    if (part === 'query' && queryParams.length > 0) {
      schemas.push([
        operation.key,
        {
          type: 'object',
          properties: Object.fromEntries(queryParams.map((p) => [p.name, lenientSchema(p.schema)])),
          required: queryParams.filter((p) => p.required).map((p) => p.name),
        },
      ]);
    }
  }
  return { components: { $id: REF_BASE, components: lenientSchema(vendorDocument().components) }, schemas };
}

/** Where the build writes each operation's compiled checks (scripts/build-validators.mjs). */
export const CHECKS_DIR = join(PACKAGE_ROOT, 'dist', 'contract', 'checks');

/** An operation's checks file: `POST /v1/sessions/{sessionId}/goto` → `POST.v1.sessions.-sessionId-.goto.cjs`. */
export function checksFile(key: string): string {
  return `${key.replace(/[{}]/g, '-').replace(/[ /]+/g, '.')}.cjs`;
}

interface OperationChecks {
  key: string;
  query?: ValidateFunction;
  body?: ValidateFunction;
}
const loaded = new Map<string, OperationChecks>();
const requireCheck = createRequire(join(PACKAGE_ROOT, 'package.json'));

/** An operation's compiled checks, loaded on its first request that needs one, never at start; once per process. */
function checksFor(operation: VendorOperation): OperationChecks {
  let checks = loaded.get(operation.key);
  if (checks) return checks;
  const file = join(CHECKS_DIR, checksFile(operation.key));
  checks = requireCheck(file) as OperationChecks;
  if (checks.key !== operation.key) throw new Error(`${file} checks ${checks.key}, not ${operation.key}: rebuild`);
  loaded.set(operation.key, checks);
  return checks;
}

/** `"a.b[0].c"`: an Ajv instance path as a reader names the field. */
function fieldName(where: string, error: ErrorObject): string {
  const steps = error.instancePath
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') steps.push((error.params as { missingProperty: string }).missingProperty);
  let name = where;
  for (const step of steps) name += /^\d+$/.test(step) ? `[${step}]` : `.${step}`;
  return name;
}

function describe(where: string, error: ErrorObject): string {
  const field = fieldName(where, error);
  if (error.keyword === 'required') return `"${field}" is required.`;
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v));
    return `"${field}" must be one of ${allowed.join(', ')}.`;
  }
  if (error.keyword === 'anyOf') return `"${field}" matches none of the forms the contract allows.`;
  return `"${field}" ${error.message ?? 'is not valid'}.`;
}

/** What is wrong with the request's query and body, as a 400 message; undefined when nothing is. */
export function requestProblem(
  operation: VendorOperation,
  query: Record<string, unknown>,
  body: unknown,
  bodyPresent: boolean,
): string | undefined {
  const hasQuery = operation.parameters.some((p) => p.in === 'query');
  if (!hasQuery && !operation.body) return undefined;
  const checks = checksFor(operation);
  if (checks.query && !checks.query(query)) return `Invalid query: ${describe('query', checks.query.errors![0]!)}`;
  if (!operation.body) return undefined;
  if (!bodyPresent) return operation.body.required ? 'Invalid request: the request body is required.' : undefined;
  if (checks.body && !checks.body(body)) return `Invalid request body: ${describe('body', checks.body.errors![0]!)}`;
  return undefined;
}
