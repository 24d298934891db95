#!/usr/bin/env node
// Writes dist/contract/openapi.json, the document the mock serves: the
// vendor's whole document (dist/contract/vendor-openapi.json), the two paths
// the official SDK calls that it lacks (src/contract/sdk-only-operations.ts), plus the mock's
// own routes (the files behind file_link and SignedUrl, /_mock), documented
// from their zod schemas by @fastify/swagger. Done once here, so a start
// reads one JSON file instead of rebuilding the document from route schemas.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const { buildApp } = await import(join(dist, 'http', 'app.js'));
const { openStore } = await import(join(dist, 'store', 'open-store.js'));
const { Clock } = await import(join(dist, 'domain', 'clock.js'));
const { SDK_ONLY_PATHS, SDK_ONLY_TAG } = await import(join(dist, 'contract', 'sdk-only-operations.js'));

const vendor = JSON.parse(readFileSync(join(dist, 'contract', 'vendor-openapi.json'), 'utf8'));
const store = openStore(':memory:');
const app = await buildApp({
  store,
  clock: new Clock(),
  rateLimit: false,
  signedUrlTtlSeconds: 60,
  documentRoutes: true,
});
await app.ready();
const own = app.swagger();
await app.close();
store.close();

// The paths the official SDK calls that the vendor's document lacks, tagged SDK-only (docs/contract.md).
const paths = { ...vendor.paths, ...SDK_ONLY_PATHS };
for (const [path, item] of Object.entries(own.paths ?? {})) {
  // The vendor's operations are the vendor's document's: the mock's own are the rest.
  if (vendor.paths[path]) continue;
  paths[path] = item;
}
const schemas = { ...vendor.components.schemas };
for (const [name, schema] of Object.entries(own.components?.schemas ?? {})) {
  if (schemas[name] && JSON.stringify(schemas[name]) !== JSON.stringify(schema)) {
    throw new Error(`The mock's schema ${name} differs from the vendor's schema of that name: rename one.`);
  }
  schemas[name] = schema;
}
const doc = {
  openapi: vendor.openapi,
  info: {
    ...own.info,
    description:
      "Local emulator of the AnchorBrowser API. Every vendor operation is the vendor's own document's " +
      '(docs/contract.md says which answer statefully); "Files" serve the bytes behind file_link and SignedUrl; ' +
      '"Mock control" is this mock\'s own API under /_mock.',
  },
  servers: [],
  security: vendor.security ?? [],
  tags: [
    ...(vendor.tags ?? []),
    SDK_ONLY_TAG,
    ...(own.tags ?? []).filter((tag) => !(vendor.tags ?? []).some((t) => t.name === tag.name)),
  ],
  paths,
  components: { ...vendor.components, ...own.components, schemas, securitySchemes: vendor.components.securitySchemes },
};
const target = join(dist, 'contract', 'openapi.json');
writeFileSync(`${target}.tmp`, JSON.stringify(doc));
renameSync(`${target}.tmp`, target);
