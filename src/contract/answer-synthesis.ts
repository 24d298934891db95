import { deterministicUuid } from '../fixture-loader/generated-ids.js';
import { echoRequest } from './request-echo.js';
import { resolveRef, type SchemaNode } from './vendor-document.js';

/** What a synthesized answer is made from: the request, and the mock clock. */
export interface SynthesisInput {
  /** Makes ids repeat for the same request: the operation and its path parameters. */
  seed: string;
  now: number;
  /** Path parameters: an `id`-like property of the answer takes the id the request named. */
  params: Record<string, string>;
  /** A JSON request body: same-named properties of the answer's data take its values. */
  body: unknown;
}

const MAX_DEPTH = 12;

/**
 * A value of `schema` with every declared property present (closed mode,
 * docs/contract.md): the schema's own example or default or first enum value
 * where it gives one, else a deterministic value of the declared type and
 * format — UUIDs from the seed and the property's place, date-times on the
 * mock clock.
 */
export function synthesize(schema: SchemaNode | undefined, input: SynthesisInput): unknown {
  const value = valueOf(schema ?? {}, input, '', 0);
  return echoRequest(value, schema, input.params, input.body);
}

function valueOf(raw: SchemaNode, input: SynthesisInput, place: string, depth: number): unknown {
  const node = resolveRef(raw);
  const value = structuralValue(node, input, place, depth);
  // An object or array example (the media type's, carried as `examples`, or the schema's) gives realistic
  // values; the structure keeps every declared property the example leaves out.
  const example = [raw.examples, node.examples].find(Array.isArray)?.[0] ?? node.example;
  return example !== null && typeof example === 'object' ? overlayExample(value, example) : value;
}

function structuralValue(node: SchemaNode, input: SynthesisInput, place: string, depth: number): unknown {
  if (node.const !== undefined) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.default ?? node.enum[0];
  if (node.type === 'null') return null;
  if (node.allOf) return merged(node.allOf as SchemaNode[], input, place, depth);
  const branches = (node.oneOf ?? node.anyOf) as SchemaNode[] | undefined;
  if (branches?.length) return valueOf(branches[0]!, input, place, depth);
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  if (type === 'object' || (type === undefined && node.properties)) return objectOf(node, input, place, depth);
  if (type === 'array') {
    if (depth >= MAX_DEPTH) return [];
    const count = Math.max(1, typeof node.minItems === 'number' ? node.minItems : 1);
    return Array.from({ length: count }, (_, i) =>
      valueOf((node.items as SchemaNode) ?? {}, input, `${place}[${i}]`, depth + 1),
    );
  }
  if (node.example !== undefined && typeof node.example !== 'object') return node.example;
  if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0];
  if (node.default !== undefined) return node.default;
  if (type === 'integer' || type === 'number') return typeof node.minimum === 'number' ? node.minimum : 1;
  if (type === 'boolean') return TRUE_BY_NAME.test(lastName(place));
  return stringOf(node, input, place);
}

/** Booleans that report an outcome: a call the mock answers succeeded. */
const TRUE_BY_NAME = /^(success|ok)$/;

const lastName = (place: string) => place.slice(place.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');

/** `example`'s values over `value`'s, where their JSON types agree; a free-form object takes the example whole. */
function overlayExample(value: unknown, example: unknown): unknown {
  if (Array.isArray(value) && Array.isArray(example)) {
    if (value.length === 0 || example.length === 0) return example.length === 0 ? value : example;
    return example.map((item, i) => overlayExample(structuredClone(value[Math.min(i, value.length - 1)]), item));
  }
  if (isRecord(value) && isRecord(example)) {
    if (Object.keys(value).length === 0) return example;
    for (const name of Object.keys(value))
      if (name in example) value[name] = overlayExample(value[name], example[name]);
    return value;
  }
  const sameType = value !== null && example !== null && typeof value === typeof example && !Array.isArray(value);
  return sameType && !isRecord(value) ? example : value;
}

function objectOf(node: SchemaNode, input: SynthesisInput, place: string, depth: number): unknown {
  const properties = (node.properties as Record<string, SchemaNode> | undefined) ?? {};
  if (depth >= MAX_DEPTH) return {};
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(properties)) {
    out[name] = valueOf(schema, input, place ? `${place}.${name}` : name, depth + 1);
  }
  return out;
}

function merged(parts: SchemaNode[], input: SynthesisInput, place: string, depth: number): unknown {
  const values = parts.map((part) => valueOf(part, input, place, depth));
  if (values.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v)))
    return Object.assign({}, ...values);
  return values[values.length - 1];
}

/** Strings tried, in order, against a declared pattern. */
const PATTERN_SAMPLES = (name: string) => [`example-${name}`, '1', 'Y29kZQ==', '1-2', 'draft'];

function stringOf(node: SchemaNode, input: SynthesisInput, place: string): string {
  const name = lastName(place) || 'value';
  switch (node.format) {
    case 'uuid':
      return deterministicUuid(`${input.seed}:${place}`);
    case 'date-time':
      return new Date(input.now).toISOString();
    case 'date':
      return new Date(input.now).toISOString().slice(0, 10);
    case 'uri':
    case 'url':
      return `https://example.com/${name.replace(/[^\w-]+/g, '') || 'resource'}`;
    case 'email':
      return 'user@example.com';
  }
  if (typeof node.pattern === 'string') {
    const pattern = new RegExp(node.pattern);
    const sample = PATTERN_SAMPLES(name).find((candidate) => pattern.test(candidate));
    if (sample) return sample;
  }
  if (/(^|_)id$|Id$/.test(name)) return deterministicUuid(`${input.seed}:${place}`);
  // Undeclared formats the names make plain: links, dates.
  if (/cdp_url$|cdpUrl$/.test(name)) return `wss://example.com/devtools/browser/${deterministicUuid(input.seed)}`;
  if (/(^|_)(url|link)$|(Url|Link)$/.test(name)) return `https://example.com/${name}`;
  if (/(^|_)date$/.test(name)) return new Date(input.now).toISOString().slice(0, 10);
  return `example-${name}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
