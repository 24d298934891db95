import { vendorYaml, type YamlOperation } from './vendor-contract.js';

// Valid requests for any operation of the vendor document, built from its
// declared schemas (read from the YAML here, independently of src/contract).

type Node = Record<string, unknown>;

export function resolve(node: unknown): Node {
  let current = (node ?? {}) as Node;
  for (let i = 0; typeof current.$ref === 'string' && i < 32; i++) {
    const ref = current.$ref;
    current = vendorYaml.components.schemas[ref.slice(ref.lastIndexOf('/') + 1)] ?? {};
  }
  return current;
}

/** Strings that satisfy the document's patterns; a new pattern must match one of them. */
const PATTERN_CANDIDATES = ['sample_name', 'Y29kZQ==', '1-2', '1'];

function patterned(pattern: string): string {
  const found = PATTERN_CANDIDATES.find((c) => new RegExp(pattern).test(c));
  if (!found) throw new Error(`No sample string matches the pattern ${pattern}: add one to PATTERN_CANDIDATES.`);
  return found;
}

export const SAMPLE_UUID = '3f2c7a52-9d1b-4c7e-8a55-0b6f3e9d2a11';

/** A value of `schema`: with `full`, every declared property; otherwise only the required ones. */
export function sampleOf(schema: unknown, full: boolean, depth = 0): unknown {
  const node = resolve(schema);
  if (node.const !== undefined) return node.const;
  if (Array.isArray(node.enum)) return node.enum.find((v) => v !== null);
  if (Array.isArray(node.allOf)) {
    return Object.assign({}, ...(node.allOf as Node[]).map((part) => sampleOf(part, full, depth + 1)));
  }
  const branches = (node.oneOf ?? node.anyOf) as Node[] | undefined;
  if (branches) return sampleOf(branches[0], full, depth + 1);
  const type = node.type ?? (node.properties ? 'object' : undefined);
  if (type === 'object') {
    const properties = (node.properties ?? {}) as Record<string, Node>;
    const required = new Set((node.required as string[] | undefined) ?? []);
    const out: Record<string, unknown> = {};
    if (depth > 8) return out;
    for (const [name, property] of Object.entries(properties)) {
      if (full || required.has(name)) out[name] = sampleOf(property, full, depth + 1);
    }
    return out;
  }
  if (type === 'array') {
    const count = Math.max(1, Number(node.minItems ?? 1));
    return Array.from({ length: count }, () => sampleOf(node.items, full, depth + 1));
  }
  if (type === 'integer' || type === 'number') {
    const min = typeof node.minimum === 'number' ? node.minimum : 1;
    return typeof node.maximum === 'number' ? Math.min(min, node.maximum) : min;
  }
  if (type === 'boolean') return true;
  if (typeof node.pattern === 'string') return patterned(node.pattern);
  switch (node.format) {
    case 'uuid':
      return SAMPLE_UUID;
    case 'date-time':
      return '2026-01-02T03:04:05.000Z';
    case 'uri':
      return 'https://example.com/page';
    default:
      return 'sample';
  }
}

export interface BuiltRequest {
  url: string;
  /** Path parameter names to the values used. */
  params: Record<string, string>;
  query: Record<string, string>;
  /** JSON body (already an object), or a multipart payload with its content-type. */
  json?: unknown;
  multipart?: { payload: Buffer; contentType: string };
}

/** The text form of a query value. */
function queryText(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

export function multipartOf(fields: Record<string, unknown>, fileFields: string[]): BuiltRequest['multipart'] {
  const boundary = 'walk-boundary-7d3a';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (fileFields.includes(name)) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="${name}"; filename="${name}.zip"\r\n` +
            'content-type: application/octet-stream\r\n\r\n',
        ),
        Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1'),
        Buffer.from('\r\n'),
      );
    } else {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${text}\r\n`));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A request the operation's declared schemas accept; `full` fills every optional parameter and property too. */
export function validRequest(op: YamlOperation, full: boolean, pathValues: Record<string, string> = {}): BuiltRequest {
  const params: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const p of op.raw.parameters ?? []) {
    if (p.in === 'path') params[p.name] = pathValues[p.name] ?? String(sampleOf(p.schema, full));
    else if (p.in === 'query' && (full || p.required)) query[p.name] = queryText(sampleOf(p.schema, full));
  }
  const url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
  const built: BuiltRequest = { url, params, query };
  const content = op.raw.requestBody?.content;
  if (!content) return built;
  const [contentType, media] = Object.entries(content)[0]!;
  const body = sampleOf(media.schema, full) as Record<string, unknown>;
  if (contentType === 'multipart/form-data') {
    const properties = (resolve(media.schema).properties ?? {}) as Record<string, Node>;
    const files = Object.keys(properties).filter((name) => resolve(properties[name]).format === 'binary');
    built.multipart = multipartOf(body, files);
  } else built.json = body;
  return built;
}

/** The query string of a built request, `?…` or empty. */
export function queryString(query: Record<string, string>): string {
  const text = new URLSearchParams(query).toString();
  return text ? `?${text}` : '';
}
