#!/usr/bin/env node
// A build step (scripts/build.mjs): writes V8 code caches for the bundle's
// chunks (dist/bundle/load.cjs reads them), one set per way the package is
// started: plain `node` (the library, npx) and the Node flags of `npm start`
// (also the image's). Each set comes from a run of this script with those
// flags that starts the mock, answers a few requests and runs the CLI's
// option parsing, so the cache holds what a start compiles. Skipped, with
// the bundle, where esbuild was not there.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { setImmediate } from 'node:timers';

const root = join(import.meta.dirname, '..');
const bundle = join(root, 'dist', 'bundle');
const loader = join(bundle, 'load.cjs');
if (!existsSync(loader)) process.exit(0);

if (process.argv[2] !== '--train') {
  const start = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start;
  const startFlags = /\bnode((?: --[\w-]+(?:=\S+)?)*) dist\/bundle\/cli\.cjs\b/.exec(start)?.[1]?.trim().split(' ');
  for (const flags of [[], startFlags ?? []]) {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const result = spawnSync(process.execPath, [...flags, import.meta.filename, '--train'], { stdio: 'inherit', env });
    if (result.status !== 0) process.exit(result.status || 1);
  }
  process.exit(0);
}

const { load, writeCaches } = createRequire(import.meta.url)(loader);
const { startMockServer, BUNDLED_FIXTURES } = load(join(bundle, 'lib', 'index.cjs'));
const mock = await startMockServer({ fixtures: [BUNDLED_FIXTURES] });
const headers = { 'anchor-api-key': 'ak_acme_main' };
for (const path of ['/v1/sessions/42b60264-c48a-4ded-aa54-e4a83a710ee5/downloads', '/_mock/health', '/v1/nothing']) {
  await (await globalThis.fetch(mock.url + path, { headers })).arrayBuffer();
}
await mock.reset();
await mock.close();
// The CLI's own chunk: its option parsing, without starting anything.
const log = console.log;
console.log = () => undefined;
process.argv = [process.argv[0], 'anchorbrowser-mock', '--version'];
load(join(bundle, 'lib', 'cli.cjs'));
await new Promise((resolve) => setImmediate(resolve));
console.log = log;
writeCaches();
