import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// tap's default exclude skips any folder named dist, fixture or fixtures:
// a test file under one would silently never run (the fixture loader's tests did).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

t.test('no test file sits in a folder that tap skips by default', async (t) => {
  const skipped = ['test', 'examples']
    .flatMap((top) =>
      readdirSync(`${ROOT}${top}`, { recursive: true, encoding: 'utf8' }).map((path) => `${top}/${path}`),
    )
    .filter((path) => path.endsWith('.test.ts') && path.split('/').some((part) => /^(dist|fixtures?)$/.test(part)));
  t.same(skipped, []);
});
