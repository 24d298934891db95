// @ts-check
// Loads a chunk of dist/bundle/lib/ (copied to dist/bundle/load.cjs by
// scripts/bundle.mjs); the entry points go through it.
'use strict';

/** @param {string} file absolute path */
function load(file) {
  return require(file);
}

module.exports = { load };
