import { resolveRef, type SchemaNode } from './vendor-document.js';

// Where an operation implies it, a synthesized answer repeats the request (a
// created resource has the name it was given; an `id` answers the path's id).
// The request check is lenient (formats, patterns and bounds are not enforced,
// docs/contract.md), so a value is repeated only where it also fits the
// answer's own schema: the answer stays as the document declares it.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const ID_NAME = /(^|_)id$|Id$/;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The schema of `node`'s property `name`, through allOf and the first oneOf/anyOf branch. */
function propertyOf(raw: SchemaNode | undefined, name: string): SchemaNode | undefined {
  if (!raw) return undefined;
  const node = resolveRef(raw);
  const own = (node.properties as Record<string, SchemaNode> | undefined)?.[name];
  if (own) return own;
  for (const part of (node.allOf as SchemaNode[] | undefined) ?? []) {
    const found = propertyOf(part, name);
    if (found) return found;
  }
  const branch = ((node.oneOf ?? node.anyOf) as SchemaNode[] | undefined)?.[0];
  return branch ? propertyOf(branch, name) : undefined;
}

function itemsOf(raw: SchemaNode | undefined): SchemaNode | undefined {
  return raw ? (resolveRef(raw).items as SchemaNode | undefined) : undefined;
}

/** Whether a scalar the request sent is a valid value of the answer's schema at that place. */
function fits(raw: SchemaNode | undefined, value: unknown): boolean {
  if (!raw) return false;
  const node = resolveRef(raw);
  if (Array.isArray(node.enum)) return node.enum.includes(value);
  if (typeof value === 'number') {
    if (node.type === 'integer' && !Number.isInteger(value)) return false;
    if (typeof node.minimum === 'number' && value < node.minimum) return false;
    return !(typeof node.maximum === 'number' && value > node.maximum);
  }
  if (typeof value !== 'string') return typeof value === 'boolean';
  if (typeof node.maxLength === 'number' && value.length > node.maxLength) return false;
  if (typeof node.minLength === 'number' && value.length < node.minLength) return false;
  if (typeof node.pattern === 'string' && !new RegExp(node.pattern, 'u').test(value)) return false;
  if (node.format === 'uuid') return UUID.test(value);
  if (node.format === 'date-time') return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
  if (node.format === 'uri' || node.format === 'url') return /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(value);
  return true;
}

/** `sent` merged into `value` where their JSON types agree and `sent` fits the schema. */
function merge(value: unknown, sent: unknown, schema: SchemaNode | undefined): unknown {
  if (Array.isArray(value) && Array.isArray(sent)) {
    if (value.length === 0 || sent.length === 0) return value;
    const items = itemsOf(schema);
    return sent.map((item, i) => merge(structuredClone(value[Math.min(i, value.length - 1)]), item, items));
  }
  if (isRecord(value) && isRecord(sent)) {
    // A free-form object (no declared properties) takes what was sent whole.
    if (Object.keys(value).length === 0) return sent;
    for (const name of Object.keys(value)) {
      if (name in sent && sent[name] !== null) value[name] = merge(value[name], sent[name], propertyOf(schema, name));
    }
    return value;
  }
  const sameType = value !== null && typeof value === typeof sent && !isRecord(value) && !Array.isArray(value);
  return sameType && fits(schema, sent) ? sent : value;
}

/**
 * The answer with the request repeated in it: the path's parameters by name
 * (the last id-like one also as `id`), and the JSON body's properties, in the
 * top level of `data` (or of the answer, where it has no `data`).
 */
export function echoRequest(
  value: unknown,
  schema: SchemaNode | undefined,
  params: Record<string, string>,
  body: unknown,
): unknown {
  if (!isRecord(value)) return value;
  const hasData = isRecord(value.data);
  const target = hasData ? (value.data as Record<string, unknown>) : value;
  if (Object.keys(target).length === 0) return value;
  const targetSchema = hasData ? propertyOf(schema, 'data') : schema;
  const entries = Object.entries(params);
  const ids = entries.filter(([name]) => ID_NAME.test(name));
  const sent: Record<string, unknown> = Object.fromEntries(entries);
  if (ids.length > 0) sent.id = ids[ids.length - 1]![1];
  if (isRecord(body)) Object.assign(sent, body);
  return hasData ? { ...value, data: merge(target, sent, targetSchema) } : merge(target, sent, targetSchema);
}
