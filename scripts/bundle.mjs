#!/usr/bin/env node
// A build step (scripts/build.mjs): bundles the compiled dist/ with esbuild
// into dist/bundle/, so a start reads a few files instead of hundreds of
// modules. Two entry points, the library (index) and the CLI, split into
// shared chunks, so code behind a lazy import() (the server, for `seed` and
// `healthcheck`) stays in a chunk of its own that loads only when imported.
// Chunks are CommonJS, so they can be compiled with a V8 code cache
// (dist/bundle/load.cjs). The native addon and the docs UI (which serves
// files from its own folder) stay external.
// Without esbuild (npm ci --omit=dev, optional packages left out) it writes
// entry points that load the unbundled dist/ instead, and says so.
import console from 'node:console';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import process from 'node:process';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const final = join(dist, 'bundle');
// Built aside and swapped in at the end: a CLI started meanwhile (a test, while
// npm pack rebuilds) finds the old bundle or the new one, never half of one.
const out = join(dist, `.bundle-${process.pid}`);
const EXTERNAL = ['better-sqlite3', '@fastify/swagger-ui', '@fastify/static'];
const SHEBANG = '#!/usr/bin/env node\n';

/** The library's export names, for the ESM entry (CommonJS exports are named by static analysis only). */
function entryPoints(/** @type {string[]} */ names, /** @type {boolean} */ bundled) {
  const lib = bundled
    ? `import { createRequire } from 'node:module';\nimport { fileURLToPath } from 'node:url';\n` +
      `const bundle = createRequire(import.meta.url)('./load.cjs')` +
      `.load(fileURLToPath(new URL('./lib/index.cjs', import.meta.url)));\n` +
      `export const { ${names.join(', ')} } = bundle;\n`
    : `export * from '../index.js';\n`;
  const cli = bundled
    ? `${SHEBANG}require('./load.cjs').load(require('node:path').join(__dirname, 'lib', 'cli.cjs'));\n`
    : `${SHEBANG}import('../cli/main.js');\n`;
  writeFileSync(join(out, 'index.mjs'), lib);
  writeFileSync(join(out, 'cli.cjs'), cli, { mode: 0o755 });
}

mkdirSync(out, { recursive: true });

function swapIn() {
  const old = `${out}-old`;
  if (existsSync(final)) renameSync(final, old);
  renameSync(out, final);
  rmSync(old, { recursive: true, force: true });
}

let esbuild;
try {
  esbuild = createRequire(join(root, 'package.json'))('esbuild');
} catch (err) {
  const publishing = ['pack', 'publish'].includes(process.env.npm_command ?? '');
  const why = `esbuild is not installed or has no binary for this platform (${err?.code ?? err})`;
  if (publishing) {
    console.error(`bundle: ${why}: a package is only packed with its bundle`);
    process.exit(1);
  }
  console.warn(`anchorbrowser-mock: ${why}: dist/bundle/ loads the unbundled dist/ (a slower start).`);
  entryPoints([], false);
  swapIn();
  process.exit(0);
}

const lib = join(out, 'lib');
const result = await esbuild.build({
  entryPoints: { index: join(dist, 'index.js'), cli: join(dist, 'cli', 'main.js') },
  outdir: lib,
  outExtension: { '.js': '.cjs' },
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

// ESM chunks into CommonJS ones: the requires between chunks are kept as they
// are, import() of a chunk becomes a deferred require, and import.meta.url is
// the chunk's own file URL.
for (const file of Object.keys(result.metafile.outputs)) {
  const path = join(root, file);
  const esm = readFileSync(path, 'utf8');
  const cjs = await esbuild.transform(esm, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__chunkUrl' },
    banner: `var __chunkUrl=require('node:url').pathToFileURL(__filename).href;`,
    minifyWhitespace: true,
    sourcefile: basename(path),
  });
  // The CLI's #! line would be a syntax error inside the loader's function wrapper.
  writeFileSync(path, cjs.code.replace(/^#!.*\n/, ''));
}

const index = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith('dist/index.js'));
entryPoints(index?.[1].exports ?? [], true);
copyFileSync(join(root, 'scripts', 'bundle-loader.cjs'), join(out, 'load.cjs'));
swapIn();
