import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
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

export default fp(
  async function openapi(app: FastifyInstance, { version }: { version: string }) {
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
    const hide = { hide: true };
    app.get('/openapi.json', { schema: hide }, async (_req, reply) =>
      reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())),
    );
    // The YAML writer is loaded on the first request for it, not at start.
    app.get('/openapi.yaml', { schema: hide }, async (_req, reply) => {
      const { default: YAML } = await import('yaml');
      return reply.type('application/yaml; charset=utf-8').send(YAML.stringify(app.swagger()));
    });
  },
  { name: 'openapi' },
);
