import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import YAML from 'yaml';
import { buildTestApp } from '../helpers/app.js';
import { contract } from '../helpers/contract.js';

// The served OpenAPI document against the project's verbatim copy of the reference contract.

type Json = Record<string, unknown>;
type Doc = Json & {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes: Json };
};

const CONTRACT_PATH = '/v1/sessions/{session_id}/downloads';
const contractDoc = contract as unknown as Doc;

async function servedDoc(app: FastifyInstance): Promise<Doc> {
  const res = await app.inject({ url: '/openapi.json' });
  return JSON.parse(res.body) as Doc;
}

const componentName = (ref: string) => /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];

/** Follows a local $ref; returns the schema and the component it named, if any. */
function resolve(doc: Doc, node: Json): { schema: Json; component?: string } {
  if (typeof node.$ref !== 'string') return { schema: node };
  const name = componentName(node.$ref);
  const target = name === undefined ? undefined : doc.components.schemas[name];
  if (!target) throw new Error(`unresolvable $ref ${node.$ref}`);
  return { schema: target, component: name };
}

/**
 * Differences between two schemas in what a client relies on: the component
 * each $ref names, type, format, the set of properties and which are required,
 * recursively through properties and array items.
 */
function schemaDifferences(
  expectedDoc: Doc,
  expected: Json,
  actualDoc: Doc,
  actual: Json,
  at: string,
  seen = new Set<string>(),
): string[] {
  const e = resolve(expectedDoc, expected);
  const a = resolve(actualDoc, actual);
  const problems: string[] = [];
  if (e.component !== a.component)
    problems.push(`${at}: $ref to ${String(e.component)} expected, got ${String(a.component)}`);
  if (e.component !== undefined) {
    if (seen.has(e.component)) return problems;
    seen = new Set(seen).add(e.component);
  }
  for (const field of ['type', 'format'] as const) {
    if (e.schema[field] !== a.schema[field]) {
      problems.push(
        `${at}: ${field} ${JSON.stringify(e.schema[field])} expected, got ${JSON.stringify(a.schema[field])}`,
      );
    }
  }
  const required = (s: Json) => [...((s.required as string[] | undefined) ?? [])].sort();
  if (JSON.stringify(required(e.schema)) !== JSON.stringify(required(a.schema))) {
    problems.push(
      `${at}: required ${JSON.stringify(required(e.schema))} expected, got ${JSON.stringify(required(a.schema))}`,
    );
  }
  const eProps = (e.schema.properties ?? {}) as Record<string, Json>;
  const aProps = (a.schema.properties ?? {}) as Record<string, Json>;
  for (const name of new Set([...Object.keys(eProps), ...Object.keys(aProps)])) {
    if (!(name in aProps)) problems.push(`${at}.${name}: missing`);
    else if (!(name in eProps)) problems.push(`${at}.${name}: not in the contract`);
    else
      problems.push(...schemaDifferences(expectedDoc, eProps[name]!, actualDoc, aProps[name]!, `${at}.${name}`, seen));
  }
  const eItems = e.schema.items as Json | undefined;
  const aItems = a.schema.items as Json | undefined;
  if (eItems && aItems) problems.push(...schemaDifferences(expectedDoc, eItems, actualDoc, aItems, `${at}[]`, seen));
  else if (eItems || aItems) problems.push(`${at}: items ${eItems ? 'missing' : 'not in the contract'}`);
  return problems;
}

t.test('/openapi.json and /openapi.yaml serve the same document', async (t) => {
  const { app } = await buildTestApp(t);
  const json = await app.inject({ url: '/openapi.json' });
  const yaml = await app.inject({ url: '/openapi.yaml' });
  t.equal(json.statusCode, 200);
  t.equal(yaml.statusCode, 200);
  t.match(json.headers['content-type'], /^application\/json\b/);
  t.match(yaml.headers['content-type'], /yaml/);
  const doc = JSON.parse(json.body) as Doc;
  t.same(YAML.parse(yaml.body), doc);
  t.match(doc.openapi, /^3\./);
  t.ok(doc.paths[CONTRACT_PATH], 'the contract path is there');
});

t.test('/docs answers an HTML page', async (t) => {
  const { app } = await buildTestApp(t);
  let res = await app.inject({ url: '/docs' });
  if (res.statusCode >= 300 && res.statusCode < 400) {
    const location = new URL(String(res.headers.location), 'http://mock.test:4010/docs');
    res = await app.inject({ url: location.pathname });
  }
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/html\b/);
  t.match(res.body, /<html/i);
});

t.test("List Session Downloads has the contract's session_id parameter and security", async (t) => {
  const { app } = await buildTestApp(t);
  const served = (await servedDoc(app)).paths[CONTRACT_PATH]!.get!;
  const expected = contractDoc.paths[CONTRACT_PATH]!.get!;

  const pick = (p: Json) => ({
    in: p.in,
    name: p.name,
    required: p.required,
    type: (p.schema as Json).type,
    description: p.description,
  });
  const servedParams = (served.parameters as Json[]).map(pick);
  t.same(servedParams, (expected.parameters as Json[]).map(pick));
  t.same(servedParams, [
    {
      in: 'path',
      name: 'session_id',
      required: true,
      type: 'string',
      description: 'The unique identifier of the browser session to retrieve downloads for.',
    },
  ]);
  t.same(served.security, [{ api_key_header: [] }]);
  t.same(served.security, expected.security);
  t.same(served.tags, expected.tags);
  t.equal(served.summary, expected.summary);
});

t.test("List Session Downloads answers the contract's status codes with the same schemas", async (t) => {
  const { app } = await buildTestApp(t);
  const doc = await servedDoc(app);
  const served = doc.paths[CONTRACT_PATH]!.get!.responses as Record<string, Json>;
  const expected = contractDoc.paths[CONTRACT_PATH]!.get!.responses as Record<string, Json>;
  t.same(Object.keys(served).sort(), ['200', '401', '404', '429']);
  t.same(Object.keys(served).sort(), Object.keys(expected).sort());

  const schemaOf = (r: Json) =>
    ((r.content as Record<string, { schema: Json }>)['application/json'] ?? { schema: {} }).schema;
  for (const status of Object.keys(expected)) {
    const e = schemaOf(expected[status]!);
    const a = schemaOf(served[status]!);
    t.equal(componentName(String(a.$ref)), componentName(String(e.$ref)), `${status}: the same component`);
    t.same(schemaDifferences(contractDoc, e, doc, a, `${status}`), [], `${status}: the same shape`);
    t.equal(served[status]!.description, expected[status]!.description, `${status}: the contract's description`);
  }
});

t.test("the security scheme is the contract's", async (t) => {
  const { app } = await buildTestApp(t);
  const doc = await servedDoc(app);
  t.same(doc.components.securitySchemes.api_key_header, contractDoc.components.securitySchemes.api_key_header);
});

t.test('every contract component has the same fields, types, formats and required-ness', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = await servedDoc(app);
  t.same(Object.keys(contractDoc.components.schemas).sort(), ['DownloadItem', 'DownloadListResponse', 'ErrorResponse']);
  for (const name of Object.keys(contractDoc.components.schemas)) {
    t.ok(doc.components.schemas[name], `${name} is a served component`);
    const ref = { $ref: `#/components/schemas/${name}` };
    t.same(schemaDifferences(contractDoc, ref, doc, ref, name), [], `${name} matches the contract`);
  }
  // The contract requires no field, so neither does the served document.
  const required = JSON.stringify(
    ['DownloadItem', 'DownloadListResponse', 'ErrorResponse'].map((n) => doc.components.schemas[n]),
  );
  t.notMatch(required, /"required"/, 'no required list in the contract components');
});

t.test('the comparer itself notices a changed type, format, field or required list', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = await servedDoc(app);
  const broken = structuredClone(doc);
  const item = broken.components.schemas.DownloadItem as { properties: Record<string, Json>; required?: string[] };
  item.properties.size = { type: 'string' };
  delete item.properties.file_link!.format;
  delete item.properties.duration;
  item.required = ['id'];
  const ref = { $ref: '#/components/schemas/DownloadListResponse' };
  t.same(schemaDifferences(contractDoc, ref, broken, ref, 'DownloadListResponse'), [
    'DownloadListResponse.data.items[]: required [] expected, got ["id"]',
    'DownloadListResponse.data.items[].file_link: format "uri" expected, got undefined',
    'DownloadListResponse.data.items[].duration: missing',
    'DownloadListResponse.data.items[].size: type "integer" expected, got "string"',
  ]);
});

t.test(
  "every vendor operation is served as the vendor's document declares it; the mock's own routes are tagged apart",
  async (t) => {
    const { app } = await buildTestApp(t);
    const doc = await servedDoc(app);
    const vendor = YAML.parse(
      readFileSync(new URL('../../contract/anchorbrowser-openapi.yaml', import.meta.url), 'utf8'),
    ) as Doc;
    let vendorOperations = 0;
    for (const [path, operations] of Object.entries(vendor.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        vendorOperations++;
        t.same(doc.paths[path]?.[method], operation, `${method.toUpperCase()} ${path} is the vendor's`);
      }
    }
    t.equal(vendorOperations, 112, 'all 112 operations of the vendor document');
    for (const [name, schema] of Object.entries(vendor.components.schemas)) {
      t.same(doc.components.schemas[name], schema, `component ${name} is the vendor's`);
    }
    t.same(doc.components.schemas.FlatErrorResponse, {
      type: 'object',
      description: 'Not defined by the vendor document, which references it; the mock reads it as {"error": string}.',
      properties: { error: { type: 'string' } },
      required: ['error'],
    });
    const own: Record<string, string[]> = {};
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (vendor.paths[path]) continue;
      for (const [method, operation] of Object.entries(operations)) {
        const tags = operation.tags as string[];
        t.equal(tags.length, 1, `${method} ${path}: one tag`);
        (own[tags[0]!] ??= []).push(`${method.toUpperCase()} ${path}`);
      }
    }
    t.same(Object.keys(own).sort(), ['Browser Sessions', 'Files', 'Mock control', 'SDK-only']);
    // The paths the official SDK calls that the vendor document lacks.
    t.same(own['SDK-only']!.sort(), ['GET /v1/identities/{identityId}/credentials', 'POST /v1/tools/fetch-webpage']);
    // The reference page's companion endpoint, which the whole document lacks.
    t.same(own['Browser Sessions'], ['GET /v1/sessions/{session_id}/downloads/{download_id}/fetch']);
    t.same(own.Files!.sort(), [
      'GET /sessions/{session_id}/downloads/{download_id}/fetch',
      'GET /signed-downloads/{download_id}',
    ]);
    t.ok(
      own['Mock control']!.every((where) => where.split(' ')[1]!.startsWith('/_mock/')),
      'only /_mock routes',
    );
    t.ok(own['Mock control']!.includes('GET /_mock/health'), 'the health check is a mock control route');
  },
);

t.test('the served documents contain no API key and no signing secret', async (t) => {
  const { app } = await buildTestApp(t);
  for (const url of ['/openapi.json', '/openapi.yaml', '/docs/json', '/docs/yaml']) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 200, `${url} answers`);
    for (const secret of ['ak_test_acme', 'ak_test_tight', 'ak_test_globex', 'test-secret']) {
      t.notOk(res.body.includes(secret), `${url} does not contain ${secret}`);
    }
  }
});
