#!/usr/bin/env node
// Writes dist/contract/vendor-openapi.json from the vendor's YAML document, so
// a start parses JSON and never loads a YAML parser for it. The one repair the
// document needs to load: FlatErrorResponse, referenced by every webhook
// operation but never defined, becomes {"error": string} (docs/contract.md).
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'contract', 'anchorbrowser-openapi.yaml');
const target = join(root, 'dist', 'contract', 'vendor-openapi.json');

const doc = YAML.parse(readFileSync(source, 'utf8'));
doc.components.schemas.FlatErrorResponse ??= {
  type: 'object',
  description: 'Not defined by the vendor document, which references it; the mock reads it as {"error": string}.',
  properties: { error: { type: 'string' } },
  required: ['error'],
};
mkdirSync(dirname(target), { recursive: true });
// Written beside and renamed: a reader never sees half a file.
writeFileSync(`${target}.tmp`, JSON.stringify(doc));
renameSync(`${target}.tmp`, target);
