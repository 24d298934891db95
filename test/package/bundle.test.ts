import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';

// dist/bundle/ as the build leaves it (scripts/bundle.mjs, scripts/code-cache.mjs):
// what the package's bin and exports load.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function node(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A copy of the built package (package.json, dist/, fixtures/) using this repo's node_modules but `skip`. */
async function packageCopy(t: Test, skip: string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'anchor-mock-bundle-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const entry of ['package.json', 'dist', 'fixtures', 'scripts'])
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (!skip.includes(name)) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  return dir;
}

const LIBRARY_CHECK = `
const { startMockServer, BUNDLED_FIXTURES } = await import('./dist/bundle/index.mjs');
const mock = await startMockServer({ fixtures: [BUNDLED_FIXTURES] });
const res = await fetch(mock.url + '/v1/sessions/42b60264-c48a-4ded-aa54-e4a83a710ee5/downloads',
  { headers: { 'anchor-api-key': 'ak_acme_main' } });
console.log(res.status);
await mock.close();
`;

t.test('without esbuild the bundle step writes entry points that load the unbundled dist/', async (t) => {
  const dir = await packageCopy(t, ['esbuild', '@esbuild']);
  const bundled = await node(['scripts/bundle.mjs'], dir);
  t.equal(bundled.code, 0, 'the build goes on');
  t.match(bundled.stderr, 'esbuild is not installed');
  t.match(readFileSync(join(dir, 'dist/bundle/index.mjs'), 'utf8'), "from '../index.js'");
  const version = await node(['dist/bundle/cli.cjs', '--version'], dir);
  t.equal(version.stdout.trim(), JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version, 'the bin runs');
  const library = await node(['--input-type=module', '-e', LIBRARY_CHECK], dir);
  t.equal(library.stdout.trim(), '200', `the library serves (${library.stderr})`);
});

const CACHE_CHECK = `
const { load, uncached } = require('./dist/bundle/load.cjs');
const { startMockServer } = load(require('node:path').resolve('dist/bundle/lib/index.cjs'));
console.log(JSON.stringify({ uncached: uncached.map((f) => require('node:path').basename(f)),
  started: typeof startMockServer }));
`;

t.test('the build leaves a code cache for each chunk, and a bad one is only compiled past', async (t) => {
  const dir = await packageCopy(t);
  const fresh = JSON.parse((await node(['-e', CACHE_CHECK], dir)).stdout) as { uncached: string[]; started: string };
  t.same(fresh, { uncached: [], started: 'function' }, 'every chunk the library loads came from its cache');

  const caches = join(dir, 'dist/bundle/lib/.cache');
  for (const file of readdirSync(caches)) writeFileSync(join(caches, file), 'not a code cache');
  const spoiled = JSON.parse((await node(['-e', CACHE_CHECK], dir)).stdout) as { uncached: string[]; started: string };
  t.equal(spoiled.started, 'function', 'the library still loads');
  t.ok(spoiled.uncached.includes('index.cjs'), 'compiled without the spoiled cache');

  await rm(caches, { recursive: true });
  const version = await node(['dist/bundle/cli.cjs', '--version'], dir);
  t.equal(version.code, 0, 'and without any cache the bin runs');
});
