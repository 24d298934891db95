#!/usr/bin/env node
// `npm run build`, and what prepare runs (scripts/build-if-needed.mjs): builds
// dist/ from src/ with TypeScript, then each step below in order, each
// a script run with this Node. A step that fails stops the build.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';

const root = join(import.meta.dirname, '..');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');

/** [what, script and its arguments]; a new step is one line here. */
const STEPS = [
  ['TypeScript', [tsc, '-p', join(root, 'tsconfig.json')]],
  ["the vendor's contract as JSON", [join(root, 'scripts', 'build-contract.mjs')]],
  ['request checks', [join(root, 'scripts', 'build-validators.mjs')]],
  ['the served OpenAPI document', [join(root, 'scripts', 'build-openapi.mjs')]],
  ['bundled fixtures as JSON', [join(root, 'scripts', 'build-fixtures.mjs')]],
  ['bundle', [join(root, 'scripts', 'bundle.mjs')]],
  ['code cache', [join(root, 'scripts', 'code-cache.mjs')]],
];

for (const [what, args] of STEPS) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${what} failed (${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}
