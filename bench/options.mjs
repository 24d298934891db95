// @ts-check
// Command-line options of bench/run.mjs.
import { parseArgs } from 'node:util';

export const LOAD_CASES = /** @type {const} */ (['list5', 'list1000', '401', '404', 'file100k']);
export const ALL_CASES = /** @type {const} */ ([
  'list5',
  'list5-p99',
  'list1000',
  '401',
  '404',
  'file100k',
  'startup',
  'seed',
  'memory',
]);

/** @typedef {typeof ALL_CASES[number]} CaseName */
/** @typedef {typeof LOAD_CASES[number]} LoadCaseName */

export const HELP = `Usage: node bench/run.mjs [options]   (npm run bench -- [options] builds first)

Measures the mock against bare baselines serving the same bytes, in
alternating rounds, and writes results.md and results.json.

Options:
  --duration <s>           Measured seconds per load run (default 10)
  --warmup <s>             Unrecorded seconds before each load run (default 2; 0: none)
  --connections <n>        autocannon connections (default 50)
  --rounds <n>             Rounds, each case on baseline and mock back to back,
                           in alternating order (default 4)
  --only <case,...>        Cases to run: ${ALL_CASES.join(', ')}
                           (default all; list5-p99 comes with list5; memory
                           is read after the load cases, so alone it runs them all;
                           startup: the CLI's and an in-process start against
                           bare Fastify, later starts, reset(), RSS; bench/startup.mjs)
  --startup-pairs <n>      Alternating pairs (mock, baseline) per start-up case (default 20)
  --startup-from <list>    Builds the startup case measures: clone (dist/ here),
                           tarball (npm pack, installed in a scratch project)
                           (default clone,tarball)
  --seed-rows <n>          Downloads written by the seed case (default 100000)
  --seed-samples <n>       Seed runs, each into a new file; the median is judged (default 3)
  --out <dir>              Where results.md and results.json go (default bench/)
  --keep-bodies            Let autocannon keep each response body as a string, as it
                           does by default; its own cost then caps large-body cases
  -h, --help               Show this help
`;

/**
 * @typedef {object} BenchOptions
 * @property {number} duration
 * @property {number} warmup
 * @property {number} connections
 * @property {number} rounds
 * @property {Set<CaseName>} cases what to report
 * @property {LoadCaseName[]} loadCases what to put under load
 * @property {number} startupPairs
 * @property {Array<'clone' | 'tarball'>} startupFrom
 * @property {number} seedRows
 * @property {number} seedSamples
 * @property {string} out
 * @property {boolean} keepBodies
 * @property {boolean} help
 */

/**
 * @param {string} flag
 * @param {string | undefined} value
 * @param {number} fallback
 * @param {number} min
 */
function integer(flag, value, fallback, min) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer >= ${min} (got "${value}")`);
  return n;
}

/**
 * @param {string | undefined} value
 * @returns {Array<'clone' | 'tarball'>}
 */
function startupFrom(value) {
  const names = (value ?? 'clone,tarball').split(',').map((s) => s.trim());
  for (const name of names)
    if (name !== 'clone' && name !== 'tarball')
      throw new Error(`--startup-from: unknown build "${name}" (clone, tarball)`);
  return /** @type {Array<'clone' | 'tarball'>} */ ([...new Set(names)]);
}

/**
 * @param {string[]} argv
 * @param {string} defaultOut
 * @returns {BenchOptions}
 */
export function parseOptions(argv, defaultOut) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      'startup-pairs': { type: 'string' },
      'startup-from': { type: 'string' },
      'seed-rows': { type: 'string' },
      'seed-samples': { type: 'string' },
      out: { type: 'string' },
      'keep-bodies': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });

  /** @type {Set<CaseName>} */
  const cases = new Set();
  const names =
    values.only === undefined
      ? [...ALL_CASES]
      : values.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  if (names.length === 0) throw new Error('--only needs at least one case');
  for (const name of names) {
    if (!(/** @type {readonly string[]} */ (ALL_CASES).includes(name)))
      throw new Error(`--only: unknown case "${name}" (cases: ${ALL_CASES.join(', ')})`);
    cases.add(/** @type {CaseName} */ (name));
  }
  if (cases.has('list5-p99')) cases.add('list5');
  let loadCases = LOAD_CASES.filter((c) => cases.has(c));
  if (cases.has('memory') && loadCases.length === 0) {
    loadCases = [...LOAD_CASES];
    for (const c of LOAD_CASES) cases.add(c);
  }
  if (cases.has('list5')) cases.add('list5-p99');

  return {
    duration: integer('--duration', values.duration, 10, 1),
    warmup: integer('--warmup', values.warmup, 2, 0),
    connections: integer('--connections', values.connections, 50, 1),
    rounds: integer('--rounds', values.rounds, 4, 1),
    cases,
    loadCases,
    startupPairs: integer('--startup-pairs', values['startup-pairs'], 20, 1),
    startupFrom: startupFrom(values['startup-from']),
    seedRows: integer('--seed-rows', values['seed-rows'], 100_000, 1),
    seedSamples: integer('--seed-samples', values['seed-samples'], 3, 1),
    out: values.out ?? defaultOut,
    keepBodies: values['keep-bodies'] === true,
    help: values.help === true,
  };
}
