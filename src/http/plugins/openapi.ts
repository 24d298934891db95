import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.js';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createRequire } from 'node:module';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * zod's JSON Schema output adds detail the reference contract does not have
 * (safe-integer bounds, date-time regexes, closed objects); the served
 * document drops it so it reads like the contract.
 */
export function simplifySchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplifySchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === '$schema') continue;
    if (k === 'additionalProperties' && v === false) continue;
    if ((k === 'minimum' || k === 'maximum') && Math.abs(v as number) === Number.MAX_SAFE_INTEGER) continue;
    if (k === 'pattern' && 'format' in (node as object)) continue;
    out[k] = simplifySchema(v);
  }
  return out;
}

type OpenApiDoc = ReturnType<typeof jsonSchemaTransformObject>;

/** The zod provider emits an "…Input" twin of every registered schema; keep only those referenced. */
function dropUnusedInputSchemas(doc: OpenApiDoc): OpenApiDoc {
  const schemas = (doc as { components?: { schemas?: Record<string, unknown> } }).components?.schemas;
  if (!schemas) return doc;
  // Repeat until stable: dropping one may leave another unreferenced.
  for (let dropped = true; dropped;) {
    dropped = false;
    for (const name of Object.keys(schemas)) {
      if (!name.endsWith('Input')) continue;
      const { [name]: _self, ...rest } = schemas;
      const refs = JSON.stringify({ paths: (doc as { paths?: unknown }).paths, rest });
      if (!refs.includes(`#/components/schemas/${name}"`)) {
        delete schemas[name];
        dropped = true;
      }
    }
  }
  return doc;
}

// Written at build time by scripts/build-openapi.mjs: the vendor's document merged with the mock's own routes.
const SERVED_PATH = join(PACKAGE_ROOT, 'dist', 'contract', 'openapi.json');
let served: { json: string; doc: object } | undefined;

/** The served document, read once per process on first use. */
function servedDocument(): { json: string; doc: object } {
  if (!served) {
    const json = readFileSync(SERVED_PATH, 'utf8');
    served = { json, doc: JSON.parse(json) as object };
  }
  return served;
}

/**
 * Documents the mock's own routes from their zod schemas with
 * @fastify/swagger. Only the build runs it (scripts/build-openapi.mjs): a
 * start serves the document it wrote.
 */
export const routesDocument = fp(
  async function routesDocument(app: FastifyInstance, { version }: { version: string }) {
    const { default: swagger } = await import('@fastify/swagger');
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'AnchorBrowser API (anchorbrowser-mock)',
          version,
          description:
            'Local emulator of the AnchorBrowser API. The "Browser Sessions" routes follow the AnchorBrowser API reference; ' +
            '"Files" serve the bytes behind file_link and SignedUrl; "Mock control" is this mock\'s own.',
        },
        servers: [],
        security: [],
        tags: [
          { name: 'Browser Sessions', description: 'Emulated AnchorBrowser API routes.' },
          { name: 'Files', description: 'The files behind file_link and SignedUrl (emulated).' },
          { name: 'Mock control', description: "anchorbrowser-mock's own routes under /_mock." },
        ],
        components: {
          securitySchemes: {
            api_key_header: {
              type: 'apiKey',
              in: 'header',
              name: 'anchor-api-key',
              description: 'API key passed in the header',
            },
          },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: (input) =>
        dropUnusedInputSchemas(simplifySchema(jsonSchemaTransformObject(input)) as OpenApiDoc),
    });
  },
  { name: 'openapi' },
);

/**
 * What @fastify/swagger-ui needs of @fastify/swagger (under that name, which
 * it checks): `swagger()`, here the document the build wrote, read on first use.
 */
const staticSwagger = fp(
  async function staticSwagger(app: FastifyInstance) {
    app.decorate('swagger', ((options?: { yaml?: boolean }) =>
      options?.yaml ? yamlOf(servedDocument().doc) : servedDocument().doc) as never);
  },
  { name: '@fastify/swagger' },
);

const require = createRequire(import.meta.url);
let yamlText: string | undefined;
function yamlOf(doc: object): string {
  // The YAML parser loads only for the first YAML request.
  yamlText ??= (require('yaml') as typeof import('yaml')).stringify(doc);
  return yamlText;
}

/** Serves the built document at /openapi.json and /openapi.yaml (the docs UI reads it: docs-ui.ts). */
export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(staticSwagger);
    const hide = { hide: true };
    app.get('/openapi.json', { schema: hide }, async (_req, reply) =>
      reply.type('application/json; charset=utf-8').send(servedDocument().json),
    );
    app.get('/openapi.yaml', { schema: hide }, async (_req, reply) =>
      reply.type('application/yaml; charset=utf-8').send(yamlOf(servedDocument().doc)),
    );
  },
  { name: 'openapi' },
);
