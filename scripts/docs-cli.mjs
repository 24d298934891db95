#!/usr/bin/env node
// Writes the options table of docs/cli.md from the table in
// src/config/options.ts (through dist/, so run after a build: `npm run docs:cli`).
import console from 'node:console';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withOptionsReference } from '../dist/config/options-reference.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'docs', 'cli.md');
const before = readFileSync(file, 'utf8');
const after = withOptionsReference(before, 'docs/cli.md');
if (after === before) {
  console.log('docs/cli.md: the options table is up to date');
} else {
  writeFileSync(file, after);
  console.log('docs/cli.md: options table written');
}
