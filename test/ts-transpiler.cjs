'use strict';
// The transpiler tap's TypeScript loader (ts-node, transpile-only) uses in
// test runs, named in tsconfig.json's "ts-node" section (tsc ignores it):
// esbuild strips the types where ts-node would run TypeScript's own emitter
// on every file in every test process, most of a small test file's CPU time.
// Types are still checked by `npm run typecheck`; dist/ is still built by tsc.
const { transformSync } = require('esbuild');

// ts.ScriptTarget values to esbuild's names: the emitted syntax follows tsconfig.json.
const TARGETS = { 7: 'es2020', 8: 'es2021', 9: 'es2022', 99: 'esnext' };

/** ts-node's transpiler interface: create() once per module kind, transpile() per file. */
function create({ service, nodeModuleEmitKind }) {
  const target = TARGETS[service.config.options.target];
  if (!target)
    throw new Error(`ts-transpiler.cjs: no esbuild target for tsconfig target ${service.config.options.target}`);
  // ts-node says which module kind it wants (the .ts files here are ES modules: package.json type module).
  const commonjs = nodeModuleEmitKind === 'nodecjs' || (!nodeModuleEmitKind && service.config.options.module === 1);
  const format = commonjs ? 'cjs' : 'esm';
  return {
    transpile(input, { fileName }) {
      const { code, map } = transformSync(input, {
        loader: fileName.endsWith('x') ? 'tsx' : 'ts',
        format,
        target,
        sourcemap: 'external',
        sourcefile: fileName,
      });
      return { outputText: code, sourceMapText: map };
    },
  };
}

module.exports = { create };
