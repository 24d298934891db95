#!/usr/bin/env node
// A build step (scripts/build.mjs): converts each YAML file of the bundled
// fixtures to JSON in dist/fixtures/, with the hash of the text it came from,
// so that serving the bundled fixtures needs no YAML parser. Parsed by the
// built loader's own parseFixtureText, so the conversion is what a start would
// have read; a file the loader would refuse, or whose document JSON cannot
// carry as it is, is left unconverted (a start then parses it and reports).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import console from 'node:console';
import { isDeepStrictEqual } from 'node:util';

const dist = join(import.meta.dirname, '..', 'dist');
const { parseFixtureText } = await import(join(dist, 'fixture-loader', 'fixture-source.js'));
const { BUNDLED_FIXTURES, CONVERTED_FIXTURES } = await import(join(dist, 'fixture-loader', 'bundled.js'));
const { sha256Of } = await import(join(dist, 'fixture-loader', 'converted-fixtures.js'));

rmSync(CONVERTED_FIXTURES, { recursive: true, force: true });
mkdirSync(CONVERTED_FIXTURES, { recursive: true });
for (const name of readdirSync(BUNDLED_FIXTURES).sort()) {
  if (!['.yaml', '.yml'].includes(extname(name).toLowerCase())) continue;
  const text = readFileSync(join(BUNDLED_FIXTURES, name)).toString('utf8');
  let document;
  try {
    document = parseFixtureText(text, name, name);
  } catch (err) {
    console.warn(`build-fixtures: ${name} left as YAML: ${err instanceof Error ? err.message : String(err)}`);
    continue;
  }
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(document)), document)) {
    console.warn(`build-fixtures: ${name} left as YAML: its document does not survive JSON unchanged`);
    continue;
  }
  writeFileSync(join(CONVERTED_FIXTURES, `${name}.json`), JSON.stringify({ sha256: sha256Of(text), document }));
}
