#!/usr/bin/env node
// @ts-check
// The benchmark of the issue's performance targets (`npm run bench`).
// Each load case runs against a bare baseline serving the mock's exact bytes
// and against the mock, back to back, in rounds that alternate the order
// (baseline then mock, mock then baseline, ...); the per-round numbers show
// the machine's drift. Servers are child processes, one measured at a time
// (the mock idles while its baseline runs); autocannon runs in this process.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import {
  BENCH_KEY,
  FILE_100K,
  SESSION_1000,
  SESSION_5,
  SESSION_FILE,
  UNKNOWN_SESSION,
  WRONG_KEY,
  loadCaseFixture,
  seedingFixture,
} from './bench-fixtures.mjs';
import {
  CLI,
  cliCommand,
  httpGet,
  killAllChildren,
  memoryOf,
  runToExit,
  startBaseline,
  startMock,
  stopChild,
} from './child-processes.mjs';
import { dropResponseBodies, measureLoad } from './load-runs.mjs';
import { machineInfo } from './machine-info.mjs';
import { HELP, parseOptions } from './options.mjs';
import { markdownTable, mb, ms, resultsTable, rps, startupTable } from './report.mjs';
import {
  LIST_PATH,
  STARTUP_TARGETS,
  cloneSource,
  installTarball,
  measureSource,
  startupRows as startupRowsOf,
} from './startup.mjs';

/** @typedef {import('./options.mjs').BenchOptions} BenchOptions */
/** @typedef {import('./options.mjs').LoadCaseName} LoadCaseName */
/** @typedef {import('./load-runs.mjs').LoadSummary} LoadSummary */
/** @typedef {import('./report.mjs').Row} Row */
/**
 * @typedef {{ bodyFile: string, contentType: string, status: number, path: string, bytes: number, sha256: string }}
 *   Answer
 */
/**
 * @typedef {{ round: number, baseline: Partial<Record<LoadCaseName, LoadSummary>>,
 *   mock: Partial<Record<LoadCaseName, LoadSummary>>, mockMemory?: { rss: number, hwm: number } }} Round
 */

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
// A fixed public URL keeps file_link, hence the list bodies, byte-identical
// across the mock's restarts on different ports.
const PUBLIC_URL = 'http://127.0.0.1:4010';
const SEED_SESSIONS = 100;
const SEED_DEADLINE_MS = 300_000;

const TARGETS = { list5P99Ratio: 1.5, seedRowsPerSec: 50_000, rssBytes: 120e6, ...STARTUP_TARGETS };
const BASELINE_NAMES = { fastify: 'bare Fastify', http: 'bare node:http' };

/**
 * @type {Record<LoadCaseName,
 *   { what: string, path: string, key: string, status: number, baseline: 'fastify' | 'http', minRatio: number }>}
 */
const LOAD_CASES = {
  list5: {
    what: 'List, session with 5 downloads',
    path: `/v1/sessions/${SESSION_5}/downloads`,
    key: BENCH_KEY,
    status: 200,
    baseline: 'fastify',
    minRatio: 0.85,
  },
  list1000: {
    what: 'List, session with 1,000 downloads',
    path: `/v1/sessions/${SESSION_1000}/downloads`,
    key: BENCH_KEY,
    status: 200,
    baseline: 'http',
    minRatio: 0.6,
  },
  401: {
    what: 'List with a wrong key',
    path: `/v1/sessions/${SESSION_5}/downloads`,
    key: WRONG_KEY,
    status: 401,
    baseline: 'fastify',
    minRatio: 0.85,
  },
  404: {
    what: 'List of an unknown session',
    path: `/v1/sessions/${UNKNOWN_SESSION}/downloads`,
    key: BENCH_KEY,
    status: 404,
    baseline: 'fastify',
    minRatio: 0.85,
  },
  file100k: {
    what: 'File fetch (file_link), 100 KB',
    path: `/sessions/${SESSION_FILE}/downloads/${FILE_100K.id}/fetch`,
    key: BENCH_KEY,
    status: 200,
    baseline: 'http',
    minRatio: 0.6,
  },
};

const began = performance.now();
const log = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);
const warn = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
/** A progress line, with the seconds since the start. */
const progress = (/** @type {string} */ line) =>
  log(`${((performance.now() - began) / 1000).toFixed(1).padStart(6)} s  ${line}`);
const mean = (/** @type {number[]} */ xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sha256 = (/** @type {Buffer} */ b) => createHash('sha256').update(b).digest('hex');

function median(/** @type {number[]} */ xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** @param {string} fixtureFile */
function mockArgs(fixtureFile) {
  // Rate limiting stays on, with a bucket too large to empty during a run.
  return [
    '--db',
    ':memory:',
    '--fixtures',
    fixtureFile,
    '--public-url',
    PUBLIC_URL,
    '--log-level',
    'warn',
    '--rate-capacity',
    '1000000000',
    '--rate-refill',
    '1000000000',
  ];
}

/**
 * The mock's answer to each case, saved for the baselines to serve byte for byte.
 * @param {LoadCaseName[]} cases
 * @param {string} fixtureFile
 * @param {string} tmp
 */
async function captureAnswers(cases, fixtureFile, tmp) {
  /** @type {Partial<Record<LoadCaseName, Answer>>} */
  const answers = {};
  const mock = await startMock(mockArgs(fixtureFile));
  try {
    for (const name of cases) {
      const spec = LOAD_CASES[name];
      const res = await httpGet(mock.url + spec.path, { 'anchor-api-key': spec.key });
      if (res.status !== spec.status) {
        throw new Error(
          `${name}: the mock answered ${res.status} where ${spec.status} was expected: ${res.body.toString('utf8', 0, 300)}`,
        );
      }
      const bodyFile = join(tmp, `${name}.body`);
      writeFileSync(bodyFile, res.body);
      const contentType = String(res.headers['content-type'] ?? 'application/octet-stream');
      answers[name] = {
        bodyFile,
        contentType,
        status: res.status,
        path: spec.path,
        bytes: res.body.length,
        sha256: sha256(res.body),
      };
    }
  } finally {
    await stopChild(mock);
  }
  return answers;
}

/**
 * Checks the server gives the captured answer, then puts it under load.
 * @param {string} baseUrl
 * @param {LoadCaseName} name
 * @param {Answer} answer
 * @param {BenchOptions} options
 */
async function runCase(baseUrl, name, answer, options) {
  const spec = LOAD_CASES[name];
  const headers = { 'anchor-api-key': spec.key };
  const check = await httpGet(baseUrl + spec.path, headers);
  const summary = await measureLoad({
    url: baseUrl + spec.path,
    headers,
    connections: options.connections,
    duration: options.duration,
    warmup: options.warmup,
    expectStatus: spec.status,
  });
  if (check.status !== answer.status || sha256(check.body) !== answer.sha256) {
    summary.problems.unshift(
      `answer differs from the captured one (status ${check.status}, ${check.body.length} bytes)`,
    );
  }
  return summary;
}

/** @param {LoadSummary} s */
const describeRun = (s) =>
  `${rps(s.reqPerSec)} req/s, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}${s.problems.length ? `, PROBLEMS: ${s.problems.join('; ')}` : ''}`;

/**
 * @param {BenchOptions} options
 * @param {Partial<Record<LoadCaseName, Answer>>} answers
 * @param {string} fixtureFile
 */
async function runRounds(options, answers, fixtureFile) {
  /** @type {Round[]} */
  const rounds = [];
  for (let round = 1; round <= options.rounds; round++) {
    /** @type {Round} */
    const entry = { round, baseline: {}, mock: {} };
    rounds.push(entry);
    const tag = `[round ${round}/${options.rounds}]`;
    // One mock process per round takes every case (its memory is read after
    // all of them). Each case runs on the baseline and on the mock back to
    // back, so both see the machine in the same state; the order alternates
    // between rounds (baseline first in odd rounds), so a steady drift
    // favours neither.
    const mock = await startMock(mockArgs(fixtureFile));
    try {
      for (const name of options.loadCases) {
        const answer = /** @type {Answer} */ (answers[name]);
        const kind = LOAD_CASES[name].baseline;
        const onBaseline = async () => {
          const server = await startBaseline(kind, answer);
          try {
            entry.baseline[name] = await runCase(server.url, name, answer, options);
          } finally {
            await stopChild(server);
          }
          progress(
            `${tag} ${name.padEnd(8)} ${BASELINE_NAMES[kind].padEnd(14)} ${describeRun(/** @type {LoadSummary} */ (entry.baseline[name]))}`,
          );
        };
        const onMock = async () => {
          entry.mock[name] = await runCase(mock.url, name, answer, options);
          progress(
            `${tag} ${name.padEnd(8)} ${'mock'.padEnd(14)} ${describeRun(/** @type {LoadSummary} */ (entry.mock[name]))}`,
          );
        };
        if (round % 2 === 1) {
          await onBaseline();
          await onMock();
        } else {
          await onMock();
          await onBaseline();
        }
      }
      entry.mockMemory = memoryOf(mock.child.pid);
      if (entry.mockMemory)
        progress(`${tag} mock RSS after load ${mb(entry.mockMemory.rss)} (peak ${mb(entry.mockMemory.hwm)})`);
    } finally {
      await stopChild(mock);
    }
  }
  return rounds;
}

/**
 * The start-up cases (bench/startup.mjs) for each source: the clone's build
 * and, unless left out, the packed tarball installed in a scratch project.
 * @param {BenchOptions} options
 * @param {string} tmp
 */
async function measureStartup(options, tmp) {
  /** @type {Array<{ source: import('./startup.mjs').Source['name'], result: import('./startup.mjs').SourceResult }>} */
  const results = [];
  for (const name of options.startupFrom) {
    let source;
    if (name === 'tarball') {
      progress('startup: packing the tarball and installing it into a scratch project');
      source = await installTarball(tmp);
    } else source = cloneSource();
    results.push({ source: name, result: await measureSource(source, options.startupPairs, tmp, progress) });
  }
  return results;
}

/**
 * `anchorbrowser-mock seed` of `rows` size-only downloads into a new database
 * file, `samples` times; spawn to exit. The median run is the result (one run
 * is at the mercy of this machine's drift, as the startup case's spawns are).
 */
async function measureSeeding(/** @type {number} */ rows, /** @type {number} */ samples, /** @type {string} */ tmp) {
  const file = join(tmp, 'seed-fixture.json');
  writeFileSync(file, JSON.stringify(seedingFixture(rows, Math.min(SEED_SESSIONS, rows))));
  const runs = [];
  for (let i = 0; i < samples; i++) runs.push(await seedOnce(rows, file, join(tmp, `seed-bench-${i}.db`)));
  const seconds = median(runs.map((r) => r.seconds));
  const problems = runs.flatMap((r, i) => r.problems.map((p) => `run ${i + 1}: ${p}`));
  const result = {
    rows,
    seconds,
    secondsSamples: runs.map((r) => r.seconds),
    rowsPerSec: rows / seconds,
    stdout: runs.at(-1)?.stdout ?? '',
    problems,
  };
  progress(
    `seed: median ${seconds.toFixed(2)} s over ${samples} run(s) = ${rps(result.rowsPerSec)} rows/s${problems.length ? `, PROBLEMS: ${problems.join('; ')}` : ''}`,
  );
  return result;
}

/** One `seed` run into the new file `db`. */
async function seedOnce(/** @type {number} */ rows, /** @type {string} */ file, /** @type {string} */ db) {
  const started = performance.now();
  /** @type {string[]} */
  const problems = [];
  let exit;
  try {
    exit = await runToExit(cliCommand(['seed', file, '--db', db]), SEED_DEADLINE_MS, 'seed');
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
  const seconds = (performance.now() - started) / 1000;
  if (exit && exit.code !== 0)
    problems.push(`exit code ${exit.code ?? exit.signal}: ${exit.stderr.trim().slice(0, 300)}`);
  const printed = exit ? /^total into .*?(\d+) download\(s\)$/m.exec(exit.stdout) : null;
  if (exit && Number(printed?.[1]) !== rows)
    problems.push(`printed total is not ${rows} downloads: ${exit.stdout.trim().slice(-200)}`);
  progress(
    `seed: ${rows} rows in ${seconds.toFixed(2)} s = ${rps(rows / seconds)} rows/s${problems.length ? `, PROBLEMS: ${problems.join('; ')}` : ''}`,
  );
  return { seconds, stdout: exit?.stdout.trim() ?? '', problems };
}

/**
 * @param {LoadCaseName} name
 * @param {Round[]} rounds
 * @returns {Row[]}
 */
function loadRows(name, rounds, withP99 = false) {
  const spec = LOAD_CASES[name];
  const base = rounds.map((r) => /** @type {LoadSummary} */ (r.baseline[name]));
  const mock = rounds.map((r) => /** @type {LoadSummary} */ (r.mock[name]));
  const problems = [
    ...base.flatMap((s, i) => s.problems.map((p) => `baseline r${i + 1}: ${p}`)),
    ...mock.flatMap((s, i) => s.problems.map((p) => `mock r${i + 1}: ${p}`)),
  ];
  const baseRps = mean(base.map((s) => s.reqPerSec));
  const mockRps = mean(mock.map((s) => s.reqPerSec));
  const baseP99 = mean(base.map((s) => s.p99));
  const mockP99 = mean(mock.map((s) => s.p99));
  const ratio = mockRps / baseRps;
  const common = { baseline: BASELINE_NAMES[spec.baseline], notes: problems.join('; ') };
  /** @type {Row[]} */
  const rows = [
    {
      case: name,
      ...common,
      baseRps,
      baseP50: mean(base.map((s) => s.p50)),
      baseP99,
      mockRps,
      mockP50: mean(mock.map((s) => s.p50)),
      mockP99,
      measured: `${ratio.toFixed(3)}× req/s`,
      target: `≥ ${spec.minRatio.toFixed(2)}× req/s`,
      pass: problems.length === 0 && ratio >= spec.minRatio,
    },
  ];
  if (withP99) {
    const p99Ratio = mockP99 / baseP99;
    rows.push({
      case: `${name}-p99`,
      ...common,
      baseP99,
      mockP99,
      measured: `${p99Ratio.toFixed(3)}× p99`,
      target: `≤ ${TARGETS.list5P99Ratio.toFixed(2)}× p99`,
      pass: problems.length === 0 && p99Ratio <= TARGETS.list5P99Ratio,
    });
  }
  return rows;
}

/** @param {string} arg */
const shellQuote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), BENCH_DIR);
  } catch (err) {
    warn(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return 2;
  }
  if (options.help) {
    log(HELP);
    return 0;
  }
  if (!existsSync(CLI)) {
    warn(`${CLI} is missing: run \`npm run build\` first (npm run bench does).`);
    return 1;
  }

  const command = ['node', relative(process.cwd(), fileURLToPath(import.meta.url)), ...process.argv.slice(2)]
    .map(shellQuote)
    .join(' ');
  const viaNpm = process.env.npm_lifecycle_event === 'bench';
  const machine = machineInfo();
  const sharing = `the load generator (autocannon, in the benchmark process) and the server under test share this machine's ${machine.cores} cores`;
  log(
    `anchorbrowser-mock benchmark — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, commit ${machine.commit.slice(0, 12)}${machine.dirty ? ' (+ uncommitted changes)' : ''}`,
  );
  log(`note: ${sharing}`);
  if (machine.loadAverage > 0.5)
    log(
      `note: 1-minute load average is ${machine.loadAverage.toFixed(2)} before starting: other work will skew the numbers`,
    );
  log(`command: ${command}${viaNpm ? ' (run by npm run bench)' : ''}\n`);

  const bodiesDropped = options.keepBodies ? false : dropResponseBodies();
  if (!options.keepBodies && !bodiesDropped)
    log(
      'note: could not stop autocannon from keeping response bodies (its internals changed); large-body cases are capped by it',
    );

  const tmp = mkdtempSync(join(tmpdir(), 'anchorbrowser-bench-'));
  const cleanUp = () => {
    killAllChildren();
    rmSync(tmp, { recursive: true, force: true });
  };
  process.on('exit', cleanUp);
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.once(signal, () => {
      warn(`\n${signal}: stopping the servers`);
      cleanUp();
      process.exit(130);
    });
  }

  const fixtureFile = join(tmp, 'bench-fixture.json');
  writeFileSync(fixtureFile, JSON.stringify(loadCaseFixture(), null, 2));

  /** @type {Partial<Record<LoadCaseName, Answer>>} */
  let answers = {};
  /** @type {Round[]} */
  let rounds = [];
  if (options.loadCases.length > 0) {
    answers = await captureAnswers(options.loadCases, fixtureFile, tmp);
    rounds = await runRounds(options, answers, fixtureFile);
  }
  const startup = options.cases.has('startup') ? await measureStartup(options, tmp) : undefined;
  const seeding = options.cases.has('seed')
    ? await measureSeeding(options.seedRows, options.seedSamples, tmp)
    : undefined;

  /** @type {Row[]} */
  const rows = [];
  for (const name of options.loadCases) rows.push(...loadRows(name, rounds, name === 'list5'));
  if (options.cases.has('memory') && rounds.length > 0) {
    const memories = rounds.map((r) => r.mockMemory);
    const rss = Math.max(...memories.map((m) => m?.rss ?? NaN));
    const hwm = Math.max(...memories.map((m) => m?.hwm ?? NaN));
    rows.push({
      case: 'memory',
      measured: Number.isNaN(rss) ? 'unknown' : `${mb(rss)} RSS`,
      target: `≤ ${mb(TARGETS.rssBytes)}`,
      pass: rss <= TARGETS.rssBytes,
      notes: Number.isNaN(rss)
        ? 'no /proc/<pid>/status on this system'
        : `mock VmRSS after its load, max of ${rounds.length} round(s); peak VmHWM ${mb(hwm)}`,
    });
  }
  /** @type {import('./startup.mjs').StartupRow[]} */
  const startupRows = startup ? startup.flatMap((s) => startupRowsOf(s.source, s.result)) : [];
  if (seeding) {
    rows.push({
      case: 'seed',
      measured: `${rps(seeding.rowsPerSec)} rows/s`,
      target: `≥ ${rps(TARGETS.seedRowsPerSec)} rows/s`,
      pass: seeding.problems.length === 0 && seeding.rowsPerSec >= TARGETS.seedRowsPerSec,
      notes: [
        `${rps(seeding.rows)} rows, spawn to exit: median ${seeding.seconds.toFixed(2)} s of ${seeding.secondsSamples.map((s) => s.toFixed(2)).join(', ')} s`,
        ...seeding.problems,
      ].join('; '),
    });
  }

  const table = [rows.length > 0 ? resultsTable(rows) : '', startupRows.length > 0 ? startupTable(startupRows) : '']
    .filter(Boolean)
    .join('\n\n');
  const judged = [
    ...rows.map((r) => ({ name: r.case, pass: r.pass })),
    ...startupRows.filter((r) => r.pass !== null).map((r) => ({ name: `${r.case} (${r.source})`, pass: r.pass })),
  ];
  const failed = judged.filter((r) => !r.pass).map((r) => r.name);
  const verdict =
    failed.length === 0
      ? `All ${judged.length} targets met.`
      : `FAIL: ${failed.join(', ')} (${judged.length - failed.length} of ${judged.length} targets met).`;
  const settings =
    `autocannon, ${options.connections} connections, ${options.duration} s measured after ${options.warmup} s warm-up, ` +
    `${options.rounds} round(s), each case on its baseline and the mock back to back in alternating order, response bodies ${bodiesDropped ? 'counted, not kept, by autocannon (see bench/load-runs.mjs)' : 'kept by autocannon'}`;

  if (rounds.length > 0) log(`\n${settings}; ratios are mean mock req/s (or p99) over rounds ÷ mean baseline's.\n`);
  if (startupRows.length > 0)
    log(
      `\nStart-up: ${options.startupPairs} alternating pair(s) per case; ratios are the median of per-pair ratios; ` +
        'a ratio row is judged on CPU time (user + system). CLI pairs: both sides with the Node flags of npm start; ' +
        'in-process pairs: plain node.\n',
    );
  log(table);
  log(`\n${verdict}`);
  log(`note: ${sharing}.`);

  const outDir = resolve(options.out);
  mkdirSync(outDir, { recursive: true });
  const md = renderMarkdown({
    machine,
    command,
    viaNpm,
    settings,
    sharing,
    table,
    verdict,
    answers,
    rounds,
    options,
    startup,
    seeding,
  });
  writeFileSync(join(outDir, 'results.md'), md);
  const json = {
    machine,
    command,
    viaNpm,
    settings: { ...options, cases: [...options.cases], bodiesDropped },
    note: sharing,
    targets: TARGETS,
    cases: Object.fromEntries(options.loadCases.map((name) => [name, { ...LOAD_CASES[name], answer: answers[name] }])),
    rows,
    startupRows,
    rounds,
    startup,
    seeding,
  };
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${join(outDir, 'results.md')} and results.json`);
  return 0;
}

/**
 * @param {{ machine: ReturnType<typeof machineInfo>, command: string, viaNpm: boolean, settings: string,
 *   sharing: string, table: string, verdict: string,
 *   answers: Partial<Record<LoadCaseName, Answer>>, rounds: Round[], options: BenchOptions,
 * startup?: Array<{ source: string, result: import('./startup.mjs').SourceResult }>,
 *   seeding?: { stdout: string } }} r
 */
function renderMarkdown(r) {
  const { machine: m } = r;
  const parts = [
    '# anchorbrowser-mock benchmark',
    '',
    `- Date: ${m.date}`,
    `- Commit: ${m.commit}${m.dirty ? ' (with uncommitted changes to tracked files)' : ''}`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM, ${m.platform}`,
    `- Node: ${m.node}`,
    `- Load average (1 min) at start: ${m.loadAverage.toFixed(2)}, at end: ${loadavg()[0]?.toFixed(2)}`,
    `- Command: \`${r.command}\`${r.viaNpm ? ' (run by `npm run bench`, which builds first)' : ''}`,
    `- Settings: ${r.settings}`,
    `- **Note:** ${r.sharing}, so absolute req/s are lower than on a dedicated load machine; the ratios compare runs measured the same way.`,
    '',
    '## Results',
    '',
    r.table,
    '',
    r.verdict,
    '',
    "Ratios: the mean of the mock's req/s over the rounds divided by the mean of the baseline's; p99 the same way. " +
      "Latencies are taken from every response's own timing (autocannon's histogram has 1 ms resolution). " +
      'Baselines serve the bytes the mock answered for the same request, with its status and content type. ' +
      'A run with errors, timeouts or an unexpected status fails its case.',
  ];

  const loadNames = r.options.loadCases;
  if (loadNames.length > 0) {
    parts.push(
      '',
      '## Cases',
      '',
      markdownTable(
        ['Case', 'What', 'Request', 'Status', 'Body', 'Baseline'],
        loadNames.map((name) => {
          const spec = LOAD_CASES[name];
          const answer = r.answers[name];
          return [
            name,
            spec.what,
            `GET ${spec.path}`,
            String(spec.status),
            `${answer?.bytes ?? '?'} B ${answer?.contentType ?? ''}`,
            BASELINE_NAMES[spec.baseline],
          ];
        }),
        ['l', 'l', 'l', 'r', 'l', 'l'],
      ),
      '',
      '## Per round',
      '',
      markdownTable(
        ['Case', 'Round', 'Server', 'req/s', 'p50', 'p99', 'Requests', 'Bytes/resp (with headers)', 'Problems'],
        loadNames.flatMap((name) =>
          r.rounds.flatMap((round) =>
            /** @type {const} */ (['baseline', 'mock']).map((side) => {
              const s = /** @type {LoadSummary} */ (round[side][name]);
              const server = side === 'mock' ? 'mock' : BASELINE_NAMES[LOAD_CASES[name].baseline];
              return [
                name,
                String(round.round),
                server,
                rps(s.reqPerSec),
                ms(s.p50),
                ms(s.p99),
                rps(s.requests),
                rps(s.bytesPerRequest),
                s.problems.join('; '),
              ];
            }),
          ),
        ),
        ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
      '',
      `Mock memory after each round's load: ${r.rounds.map((round) => (round.mockMemory ? `round ${round.round} VmRSS ${mb(round.mockMemory.rss)} (VmHWM ${mb(round.mockMemory.hwm)})` : `round ${round.round} unknown`)).join(', ')}.`,
    );
  }
  if (r.startup) {
    parts.push(
      '',
      '## Start-up samples',
      '',
      `Each start to its first 200 of ${LIST_PATH} (bundled fixtures), in the order run; wall / CPU ms. ` +
        'The CLI pairs run with the Node flags of `npm start` on both sides; the in-process ones with none.',
    );
    const list = (/** @type {import('./startup.mjs').Sample[]} */ xs) =>
      xs.map((x) => `${x.wallMs.toFixed(0)}/${x.cpuMs.toFixed(0)}`).join(', ');
    for (const { source, result } of r.startup) {
      parts.push(
        '',
        `### ${source}`,
        '',
        `- CLI, mock: ${list(result.cli.mock)}`,
        `- CLI, bare Fastify: ${list(result.cli.base)}`,
        `- In-process (fresh process), mock: ${list(result.inProcess.mock)}`,
        `- In-process (fresh process), bare Fastify: ${list(result.inProcess.base)}`,
        `- In-process, mock + first POST /v1/sessions: ${list(result.inProcess.post)}`,
        `- Later starts, ms: ${result.laterMs.map((x) => x.toFixed(1)).join(', ')}`,
        `- reset(), ms: ${result.resetsMs.map((x) => x.toFixed(2)).join(', ')}`,
      );
      if (result.failures.length) parts.push(`- Failures: ${result.failures.join('; ')}`);
    }
  }
  if (r.seeding) parts.push('', '## Seeding output', '', '```', r.seeding.stdout, '```');
  return `${parts.join('\n')}\n`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    warn(err instanceof Error ? (err.stack ?? err.message) : String(err));
    killAllChildren();
    process.exitCode = 1;
  },
);
