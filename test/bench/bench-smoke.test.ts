import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// Keeps `npm run bench` from rotting: a one-second, one-round run of a few
// cases must still produce its report. It checks that the script works, never
// how fast the mock is (the conventions keep speed out of timed tests).

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN = join(ROOT, 'bench', 'run.mjs');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
// Under npm test the other test files share the 2 cores: the run took 56–59 s
// there before the in-process start-up was added. Below tap's own 120 s
// timeout, so a run that hangs is reported with its output.
const DEADLINE_MS = 100_000;

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssBytes: number;
}

interface Report {
  rows: Array<{ case: string; pass: boolean; measured: string }>;
  rounds: Array<{
    round: number;
    baseline: Record<string, unknown>;
    mock: Record<string, unknown>;
    mockMemory?: { rss: number };
  }>;
  startupRows: Array<{ case: string; source: string; pass: boolean | null }>;
  startup?: Array<{
    source: string;
    result: {
      cli: { mock: Sample[]; base: Sample[] };
      inProcess: { mock: Sample[]; base: Sample[] };
      laterMs: number[];
      resetsMs: number[];
      failures: string[];
    };
  }>;
  seeding?: { rows: number; problems: string[]; seconds: number; secondsSamples: number[] };
}

/** The environment without tap's coverage hooks, which would otherwise load into every server the script starts. */
function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name !== 'NODE_OPTIONS' && name !== 'NODE_V8_COVERAGE' && !name.startsWith('_TAPJS_')) env[name] = value;
  }
  return env;
}

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, ...args], {
      cwd: ROOT,
      env: plainEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      // SIGINT lets the script stop its own server children.
      child.kill('SIGINT');
      reject(new Error(`bench/run.mjs did not finish within ${DEADLINE_MS} ms:\n${stdout}\n${stderr}`));
    }, DEADLINE_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

t.test(
  'a short benchmark run prints the table and writes results.md and results.json',
  { skip: !existsSync(CLI) && 'run `npm run build` first' },
  async (t) => {
    const out = t.testdir();
    const args = ['--duration', '1', '--warmup', '0', '--rounds', '1', '--connections', '10'];
    args.push(
      '--only',
      'list5,401,startup,seed,memory',
      '--startup-pairs',
      '1',
      '--startup-from',
      'clone',
      '--seed-rows',
      '2000',
      '--seed-samples',
      '2',
      '--out',
      out,
    );
    const { code, stdout, stderr } = await runBench(args);
    t.equal(code, 0, `exit code (stderr: ${stderr})`);

    const cases = ['list5', 'list5-p99', '401', 'memory', 'seed'];
    const startupCases = ['start-cli', 'start-in-process', 'later-starts', 'reset', 'start-rss', 'start-contract'];
    for (const name of cases)
      t.match(
        stdout,
        new RegExp(`^\\| ${name} +\\|.*\\| (PASS|FAIL) +\\|`, 'm'),
        `the printed table has a ${name} row`,
      );
    t.match(stdout, /share this machine's \d+ cores/, 'says the load generator shares the cores');

    const md = readFileSync(join(out, 'results.md'), 'utf8');
    for (const name of cases) t.match(md, new RegExp(`^\\| ${name} +\\|`, 'm'), `results.md has a ${name} row`);
    t.match(md, /^- Command: `node bench\/run\.mjs --duration 1 /m, 'results.md records the command line');
    t.match(md, /^- Node: v\d+/m, 'results.md records the Node version');

    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Report;
    t.same(
      report.rows.map((r) => r.case),
      cases,
      'results.json has one row per case',
    );
    t.equal(report.rounds.length, 1);
    for (const side of ['baseline', 'mock'] as const)
      t.same(Object.keys(report.rounds[0]![side]).sort(), ['401', 'list5'], `the ${side} ran both load cases`);
    const startup = report.startup ?? [];
    t.same(
      startup.map((s) => s.source),
      ['clone'],
      'the start-up cases ran on the clone only, as asked',
    );
    const clone = startup[0]?.result;
    t.same(clone?.failures, [], 'every start-up run worked');
    t.equal(clone?.cli.mock.length, 1, 'one CLI start of the mock');
    t.equal(clone?.cli.base.length, 1, 'and one of bare Fastify');
    t.equal(clone?.inProcess.mock.length, 1, 'one in-process start of the mock');
    t.equal(clone?.inProcess.base.length, 1, 'and one of bare Fastify');
    for (const sample of [...(clone?.cli.mock ?? []), ...(clone?.inProcess.mock ?? [])])
      t.ok(sample.wallMs > 0 && sample.cpuMs > 0 && sample.rssBytes > 0, 'wall, CPU and RSS measured');
    t.equal(clone?.laterMs.length, 5, 'five later starts');
    t.equal(clone?.resetsMs.length, 20, 'twenty resets');
    for (const name of startupCases)
      t.match(
        stdout,
        new RegExp(`^\\| ${name} +\\| clone +\\|.*\\| (PASS|FAIL|n/a) +\\|`, 'm'),
        `the printed start-up table has a ${name} row`,
      );
    t.same(
      report.startupRows.map((r) => r.case),
      startupCases,
      'results.json has the start-up rows',
    );
    t.match(md, /^- CLI, mock: \d+\/\d+$/m, 'results.md lists each start, wall/CPU');
    t.same(
      report.seeding && { rows: report.seeding.rows, problems: report.seeding.problems },
      { rows: 2000, problems: [] },
      'seeding wrote 2000 rows',
    );
    const seedSamples = report.seeding?.secondsSamples ?? [];
    t.equal(seedSamples.length, 2, 'two seed runs');
    // The median of two is their mean.
    t.equal(report.seeding?.seconds, ((seedSamples[0] ?? NaN) + (seedSamples[1] ?? NaN)) / 2, 'judged by their median');
  },
);
