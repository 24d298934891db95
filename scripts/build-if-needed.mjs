#!/usr/bin/env node
// Builds dist/ from src/ (scripts/build.mjs: TypeScript, then the other
// build steps). Run by npm as `prepare` (npm ci, npm install in a clone, a git
// dependency's install, npm pack) and before `npm start`, where it builds only
// when dist/ is missing or older than src/.
// Where TypeScript is not installed (npm ci --omit=dev) it builds nothing and
// says so: dist/ is then whatever the package shipped.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const onlyIfStale = process.argv.includes('--if-stale');
const entry = join(root, 'dist', 'bundle', 'cli.cjs');

/** Newest modification time of the files under `dir`, in ms. */
function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

const hasSources = existsSync(join(root, 'src'));
if (!hasSources) process.exit(0); // an installed package: dist/ is what was shipped
// What the server reads at run time besides the bundle: the served document, the vendor's, the request checks.
const contract = ['openapi.json', 'vendor-openapi.json', 'checks'].map((name) => join(root, 'dist', 'contract', name));
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'contract')));
const built = [entry, ...contract].every((file) => existsSync(file) && statSync(file).mtimeMs >= sources);
if (onlyIfStale && built) process.exit(0);

try {
  createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  const state = existsSync(entry) ? 'dist/ is left as it is' : 'dist/ is not built, so the CLI cannot start';
  console.warn(`anchorbrowser-mock: TypeScript is not installed (npm ci --omit=dev?): ${state}.`);
  process.exit(0);
}
const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
process.exit(result.status ?? 1);
