import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { BUNDLED_FIXTURES, CONVERTED_FIXTURES } from './bundled.js';

/** What scripts/build-fixtures.mjs writes for each YAML file of the bundled fixtures. */
export interface ConvertedFixture {
  /** Of the YAML file's bytes as UTF-8 text: the conversion holds for that text only. */
  sha256: string;
  document: unknown;
}

export const sha256Of = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The document of a bundled YAML fixture as converted to JSON at build time,
 * so a start need not load the YAML parser; undefined (parse the YAML) for any
 * other file, when there is no conversion, or when the file has changed since.
 */
export function convertedDocument(file: string, text: string): { document: unknown } | undefined {
  if (dirname(file) !== BUNDLED_FIXTURES || extname(file).toLowerCase() === '.json') return undefined;
  let stored: ConvertedFixture;
  try {
    stored = JSON.parse(readFileSync(join(CONVERTED_FIXTURES, `${basename(file)}.json`)).toString('utf8'));
  } catch {
    return undefined;
  }
  return stored.sha256 === sha256Of(text) ? { document: stored.document } : undefined;
}
