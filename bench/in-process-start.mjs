// @ts-check
// What a test suite pays when it starts the mock in its own process instead
// of spawning the CLI: the package's import, then startMockServer (the bundled
// fixtures, :memory:) to its first 200 from /_mock/health, `starts` times one
// after another (each closed before the next), then `resets` calls of
// reset() on one more. Informational: no target is set for it.
// Usage: node in-process-start.mjs <starts> <resets>
// Prints one JSON line on stdout: { bootMs, importMs, startsMs, resetsMs }.
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { httpGet } from './child-processes.mjs';

const [starts, resets] = process.argv.slice(2).map(Number);
if (!Number.isInteger(starts) || !Number.isInteger(resets) || Number(starts) < 1 || Number(resets) < 1) {
  throw new Error('usage: in-process-start.mjs <starts (integer >= 1)> <resets (integer >= 1)>');
}

// Node's own start, up to this line (with this script's few imports).
const bootMs = performance.now();
const { startMockServer } = await import('../dist/index.js');
const importMs = performance.now() - bootMs;
const fixtures = [fileURLToPath(new URL('../fixtures', import.meta.url))];

/** startMockServer to its first 200 from /_mock/health. */
async function timedStart() {
  const started = performance.now();
  const mock = await startMockServer({ fixtures });
  const health = await httpGet(`${mock.url}/_mock/health`);
  if (health.status !== 200) throw new Error(`/_mock/health answered ${health.status}`);
  return { mock, ms: performance.now() - started };
}

const startsMs = [];
for (let i = 0; i < Number(starts); i++) {
  const { mock, ms } = await timedStart();
  startsMs.push(ms);
  await mock.close();
}

const { mock } = await timedStart();
const resetsMs = [];
try {
  for (let i = 0; i < Number(resets); i++) {
    const started = performance.now();
    await mock.reset();
    resetsMs.push(performance.now() - started);
  }
} finally {
  await mock.close();
}
process.stdout.write(`${JSON.stringify({ bootMs, importMs, startsMs, resetsMs })}\n`);
