import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { BUNDLED_FIXTURES } from '../../src/fixture-loader/bundled.js';
import { convertedDocument } from '../../src/fixture-loader/converted-fixtures.js';
import { parseFixtureText, readFixtureFiles } from '../../src/fixture-loader/fixture-source.js';

// The bundled YAML fixtures are converted to JSON by the build (scripts/build-fixtures.mjs),
// so serving them loads no YAML parser; the conversion holds only for the exact text it came from.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT = join(BUNDLED_FIXTURES, 'default.yaml');

t.test(
  'reading the bundled fixtures from the build gives the YAML document without loading the YAML parser',
  async (t) => {
    const script = `
    import { createRequire } from 'node:module';
    const { readFixtureFiles } = await import('./dist/fixture-loader/fixture-source.js');
    const { BUNDLED_FIXTURES } = await import('./dist/fixture-loader/bundled.js');
    const [source] = readFixtureFiles([BUNDLED_FIXTURES]);
    const yaml = createRequire(import.meta.url).resolve('yaml');
    console.log(JSON.stringify({ document: source.document, yamlLoaded: yaml in createRequire(import.meta.url).cache }));
  `;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    const { document, yamlLoaded } = JSON.parse(out) as { document: unknown; yamlLoaded: boolean };
    t.equal(yamlLoaded, false, 'yaml is not loaded');
    t.same(document, parseFixtureText(readFileSync(DEFAULT, 'utf8'), DEFAULT), 'the same document as the YAML');
  },
);

t.test('a conversion is used only for the text it was made from', async (t) => {
  const text = readFileSync(DEFAULT, 'utf8');
  t.ok(convertedDocument(DEFAULT, text), 'the bundled text has its conversion (npm run build wrote it)');
  t.equal(convertedDocument(DEFAULT, `${text}\n# edited\n`), undefined, 'an edited file is parsed again');
  t.equal(convertedDocument(join(ROOT, 'elsewhere', 'default.yaml'), text), undefined, 'only the bundled folder');
  const [source] = readFixtureFiles([BUNDLED_FIXTURES]);
  t.same(source?.document, parseFixtureText(text, DEFAULT), 'the loader reads the same document either way');
});
