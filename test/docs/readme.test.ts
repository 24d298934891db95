import { readFileSync } from 'node:fs';
import t from 'tap';
import { envName, OPTION_SPECS } from '../../src/cli/options.js';

// The README documents every flag and variable the CLI takes.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

t.test('the README names every flag and its environment variable', async (t) => {
  for (const spec of OPTION_SPECS) {
    t.ok(readme.includes(`\`--${spec.flag}`), `--${spec.flag} is documented`);
    t.ok(readme.includes(`\`${envName(spec.flag)}\``), `${envName(spec.flag)} is documented`);
  }
});

t.test('the README shows the set-up and test commands', async (t) => {
  t.match(readme, /npm ci && npm start/);
  t.match(readme, /\nnpm test\n/);
});
