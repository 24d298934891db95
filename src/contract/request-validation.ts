import type { ErrorObject, ValidateFunction } from 'ajv';
import { vendorDocument, type SchemaNode } from './vendor-document.js';
import type { VendorOperation } from './vendor-operations.js';

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

type Ajvs = { body: import('ajv').default; query: import('ajv').default };
let ajvs: Promise<Ajvs> | undefined;

/** Ajv loads on the first request that needs a check, never at start; one pair per process. */
function loadAjv(): Promise<Ajvs> {
  ajvs ??= import('ajv/dist/2020.js').then((module) => {
    // The named export under Node's ESM loader; under `default` once bundled as CommonJS.
    const Ajv2020 = module.Ajv2020 ?? (module as unknown as { default: typeof module }).default.Ajv2020;
    const components = { components: lenientSchema(vendorDocument().components) };
    const make = (coerceTypes: boolean | 'array') => {
      // The vendor's schemas are data the build already parsed: checking them against the
      // meta-schema would compile it first, the larger part of a first check's cost.
      const ajv = new Ajv2020({
        strict: false,
        allErrors: false,
        coerceTypes,
        useDefaults: false,
        validateSchema: false,
        addUsedSchema: false,
      });
      ajv.addSchema({ $id: REF_BASE, ...components });
      return ajv as unknown as import('ajv').default;
    };
    // Query strings arrive as text: the query check converts "5" to 5 as the schema types it.
    return { body: make(false), query: make('array') };
  });
  return ajvs;
}

interface OperationValidators {
  query?: ValidateFunction;
  body?: ValidateFunction;
}
const compiled = new Map<string, OperationValidators>();

async function validatorsFor(operation: VendorOperation): Promise<OperationValidators> {
  const cached = compiled.get(operation.key);
  if (cached) return cached;
  const { body, query } = await loadAjv();
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const validators: OperationValidators = {};
  if (queryParams.length > 0) {
    validators.query = query.compile({
      type: 'object',
      properties: Object.fromEntries(queryParams.map((p) => [p.name, lenientSchema(p.schema)])),
      required: queryParams.filter((p) => p.required).map((p) => p.name),
    });
  }
  if (operation.body) validators.body = body.compile(lenientSchema(operation.body.schema) as SchemaNode);
  compiled.set(operation.key, validators);
  return validators;
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
export async function requestProblem(
  operation: VendorOperation,
  query: Record<string, unknown>,
  body: unknown,
  bodyPresent: boolean,
): Promise<string | undefined> {
  const validators = await validatorsFor(operation);
  if (validators.query && !validators.query(query))
    return `Invalid query: ${describe('query', validators.query.errors![0]!)}`;
  if (!operation.body) return undefined;
  if (!bodyPresent) return operation.body.required ? 'Invalid request: the request body is required.' : undefined;
  if (validators.body && !validators.body(body))
    return `Invalid request body: ${describe('body', validators.body.errors![0]!)}`;
  return undefined;
}
