// @ts-check
// What a test suite pays when it starts the mock in its own process instead
// of spawning the CLI: the package's import, then startMockServer (the bundled
// fixtures, :memory:) to its first 200 from /_mock/health, `starts` times one
// after another (each closed before the next), then `resets` calls of
// reset() on one more, started the same way but not timed. Informational: no target is set for it.
// Usage: node in-process-start.mjs <starts> <resets>
// Prints one JSON line on stdout: { bootMs, importMs, startsMs, resetsMs }.
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { httpGet } from './child-processes.mjs';

const [starts, resets] = process.argv.slice(2).map(Number);
if (!Number.isInteger(starts) || !Number.isInteger(resets) || Number(starts) < 1 || Number(resets) < 1) {
  process.stderr.write('usage: node in-process-start.mjs <starts (integer >= 1)> <resets (integer >= 1)>\n');
  process.exit(2);
}

/** startMockServer to its first 200 from /_mock/health. */
async function timedStart(
  /** @type {typeof import('../dist/index.js').startMockServer} */ startMockServer,
  /** @type {string[]} */ fixtures,
) {
  const started = performance.now();
  const mock = await startMockServer({ fixtures });
  const health = await httpGet(`${mock.url}/_mock/health`);
  if (health.status !== 200) throw new Error(`/_mock/health answered ${health.status}`);
  return { mock, ms: performance.now() - started };
}

async function main() {
  // Node's own start, up to this line (with this script's few imports).
  const bootMs = performance.now();
  const { startMockServer } = await import('../dist/index.js');
  const importMs = performance.now() - bootMs;
  const fixtures = [fileURLToPath(new URL('../fixtures', import.meta.url))];

  const startsMs = [];
  for (let i = 0; i < Number(starts); i++) {
    const { mock, ms } = await timedStart(startMockServer, fixtures);
    startsMs.push(ms);
    await mock.close();
  }

  // One more, not timed, for the resets.
  const { mock } = await timedStart(startMockServer, fixtures);
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
}

main().catch((err) => {
  // One line, for the benchmark's report.
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
