// @ts-check
// Loads the chunks of dist/bundle/lib/ (copied to dist/bundle/load.cjs by
// scripts/bundle.mjs) the way Node's require would, but compiled with a V8
// code cache where one fits: Node 20 keeps no compile cache of its own, and
// compiling the bundle is a large part of a start. A cache binds to the Node
// version, the architecture and the V8 flags, so its file name carries all
// three; V8 checks it again and a cache it rejects, or one that is missing, only
// means compiling as usual. The build writes the caches (scripts/code-cache.mjs).
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { basename, dirname, join } = require('node:path');
const { Script } = require('node:vm');

// Node's own options that take no part in V8's check (what to run, loaders, the
// inspector), left out so that test runners' usual flags find the same cache.
const NODE_ONLY =
  /^(-e|--eval|-p|--print|-r|--require|--import|--loader|--experimental-loader|--input-type|--test|--inspect|--enable-source-maps|--conditions|-C|--no-warnings|--env-file)\b/;
const WITH_VALUE =
  /^(-e|--eval|-p|--print|-r|--require|--import|--loader|--experimental-loader|--conditions|-C|--env-file)$/;
/** @param {string[]} args */
function v8Flags(args) {
  const kept = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!NODE_ONLY.test(arg)) kept.push(arg);
    else if (WITH_VALUE.test(arg)) i++;
  }
  return kept;
}
/** NODE_OPTIONS as Node reads it: words, each possibly quoted. */
function nodeOptions() {
  const words = (process.env.NODE_OPTIONS ?? '').match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  return words.map((word) => word.replace(/["']/g, ''));
}
const flags = [...v8Flags(process.execArgv), ...v8Flags(nodeOptions())].join(' ');
const KEY = `${process.version}-${process.arch}-${createHash('sha256').update(flags).digest('hex').slice(0, 12)}`;

/** @type {Map<string, Module>} */
const modules = new Map();
/** @type {Array<{ script: Script, cacheFile: string }>} */
const compiled = [];
/** Chunks compiled without a cache (none for them, or V8 refused it). */
/** @type {string[]} */
const uncached = [];

const cacheFileOf = (/** @type {string} */ file) => join(dirname(file), '.cache', `${basename(file)}.${KEY}.bin`);

/**
 * The exports of one chunk; the chunks it requires by a relative path load the same way.
 * @param {string} file absolute path
 */
function load(file) {
  const known = modules.get(file);
  if (known) return known.exports;
  const dir = dirname(file);
  const cacheFile = cacheFileOf(file);
  /** @type {Buffer | undefined} */
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  compiled.push({ script, cacheFile });
  if (cachedData === undefined || script.cachedDataRejected) uncached.push(file);
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = /** @type {{ _nodeModulePaths(dir: string): string[] }} */ (
    /** @type {unknown} */ (Module)
  )._nodeModulePaths(dir);
  const nodeRequire = Module.createRequire(file);
  /** @type {NodeJS.Require} */
  const chunkRequire = Object.assign(
    (/** @type {string} */ id) => (id.startsWith('./') ? load(join(dir, id)) : nodeRequire(id)),
    {
      resolve: nodeRequire.resolve,
      cache: nodeRequire.cache,
      main: nodeRequire.main,
      extensions: nodeRequire.extensions,
    },
  );
  modules.set(file, mod);
  script.runInThisContext()(mod.exports, chunkRequire, mod, file, dir);
  mod.loaded = true;
  return mod.exports;
}

/**
 * Writes the code cache of every chunk loaded so far, with what V8 has
 * compiled of it by now (the build calls this after a start and a few requests).
 */
function writeCaches() {
  for (const { script, cacheFile } of compiled) {
    mkdirSync(dirname(cacheFile), { recursive: true });
    // Written aside, then renamed: a reader never sees half a file.
    const partial = `${cacheFile}.${process.pid}.partial`;
    writeFileSync(partial, script.createCachedData());
    renameSync(partial, cacheFile);
  }
}

module.exports = { load, writeCaches, uncached, KEY };
