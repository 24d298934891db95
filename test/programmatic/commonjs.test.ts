import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';

// CommonJS suites (jest with ts-jest in CJS mode, mocha) load the built ESM
// package with require(): Node 20.19+ require(esm). Needs `npm run build` first
// (npm test runs it).

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

t.test('require("./dist/index.js") from CommonJS gives startMockServer, and it runs', async (t) => {
  t.ok(existsSync(`${root}dist/index.js`), 'dist/index.js exists (run npm run build)');
  const script = [
    "const m = require('./dist/index.js');",
    'console.log(typeof m.startMockServer);',
    'm.startMockServer().then(async (mock) => {',
    "  const res = await fetch(mock.url + '/_mock/health');",
    '  console.log(res.status);',
    '  await mock.close();',
    '});',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: root, timeout: 20_000 });
  t.same(stdout.trim().split('\n'), ['function', '200']);
});
