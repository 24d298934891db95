import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { withOptionsReference } from '../../src/config/options-reference.js';
import { envName, OPTION_SPECS } from '../../src/config/options.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const readme = read('README.md');

t.test('the README is the front door: set-up and test commands, about 15 KB at most', async (t) => {
  t.match(readme, /npm ci && npm start/);
  t.match(readme, /\nnpm test\n/);
  t.ok(Buffer.byteLength(readme) <= 15_360, `README.md is ${Buffer.byteLength(readme)} bytes`);
});

t.test('docs/cli.md holds the options table as `npm run docs:cli` writes it from the table', async (t) => {
  const cli = read('docs/cli.md');
  t.equal(withOptionsReference(cli, 'docs/cli.md'), cli, 'docs/cli.md is out of date: run npm run docs:cli');
  for (const spec of OPTION_SPECS) {
    t.ok(cli.includes(`\`--${spec.flag}`), `--${spec.flag} is documented`);
    t.ok(cli.includes(`\`${envName(spec.flag)}\``), `${envName(spec.flag)} is documented`);
  }
});

t.test('every relative link in the README and docs/ points at a file that exists', async (t) => {
  const pages = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  for (const page of pages) {
    for (const [, target] of read(page).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      t.ok(existsSync(join(ROOT, dirname(page), target!)), `${page} → ${target}`);
    }
  }
});
