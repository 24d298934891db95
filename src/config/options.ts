import { z } from 'zod';
import { CLOCK_MODES } from '../domain/clock.js';
import { parseLatency } from '../domain/latency.js';
import { BUNDLED_FIXTURES } from '../fixture-loader/bundled.js';

// Every option of the mock, once: its flag and variable, type, help, and its
// default on each surface. The CLI's parsing and --help, startMockServer(),
// buildApp() and docs/cli.md (npm run docs:cli) all read this table.

export const COMMANDS = ['serve', 'seed', 'healthcheck'] as const;
export type Command = (typeof COMMANDS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface OptionSpec {
  /** Without its dashes; the variable is ANCHOR_MOCK_ + it in upper snake case. */
  flag: string;
  kind: 'string' | 'number' | 'boolean' | 'list';
  /** Shown after the flag: `--port <n>`. */
  valueName?: string;
  /** One line, for --help and docs/cli.md. */
  description: string;
  /** Checks the raw string of a string or number option; its output is the option's value. */
  check?: z.ZodType;
  commands: readonly Command[];
  /** The CLI's default, which startMockServer() shares unless `programmatic` gives its own. */
  default?: unknown;
  /** How the default reads in --help and docs/cli.md, where the value alone would not say it. */
  defaultText?: string;
  /** The option's name in startMockServer(), where it has one, and its default there if it differs. */
  programmatic?: { name: string; default?: unknown; defaultText?: string };
}

const numeric = (check: z.ZodNumber) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(check);
const positiveNumber = numeric(z.number().gt(0, 'must be a number > 0'));
const positiveInt = numeric(z.number().int('must be a whole number').min(1, 'must be >= 1'));
const wholeNumber = numeric(z.number().int('must be a whole number'));
const port = numeric(z.number().int('must be a whole number').max(65535, 'must be a port number, 0–65535'));
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://mock:4010' });
const latency = z
  .string()
  .refine((v) => parseLatency(v) !== undefined, 'must be <ms> or <min>-<max> with min <= max, e.g. 20-80');
const clockMode = z.enum(CLOCK_MODES, { error: `must be ${CLOCK_MODES.join(' or ')}` });
const logLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` });

const serve = ['serve'] as const;

export const OPTIONS = {
  host: {
    flag: 'host',
    kind: 'string',
    valueName: 'addr',
    commands: serve,
    default: '127.0.0.1',
    description: 'Address to listen on (0.0.0.0 in a container).',
    programmatic: { name: 'host' },
  },
  port: {
    flag: 'port',
    kind: 'number',
    valueName: 'n',
    check: port,
    commands: ['serve', 'healthcheck'],
    default: 4010,
    description: 'Port the mock listens on (0 picks a free one); healthcheck probes it.',
    programmatic: { name: 'port', default: 0 },
  },
  db: {
    flag: 'db',
    kind: 'string',
    valueName: 'file',
    commands: serve,
    default: ':memory:',
    description: 'SQLite file that keeps data across starts; start-up fixtures merge into what it holds.',
    programmatic: { name: 'db' },
  },
  seedDb: {
    flag: 'db',
    kind: 'string',
    valueName: 'file',
    commands: ['seed'],
    defaultText: 'none: required',
    description: 'SQLite file to write (not :memory:, which would be gone on exit).',
  },
  fresh: {
    flag: 'fresh',
    kind: 'boolean',
    commands: serve,
    description:
      'Empty the --db file before loading the fixtures, in the same transaction: a failed load keeps the old data.',
    programmatic: { name: 'fresh' },
  },
  fixtures: {
    flag: 'fixtures',
    kind: 'list',
    valueName: 'path',
    commands: serve,
    default: [BUNDLED_FIXTURES],
    defaultText: 'the bundled fixtures/',
    description: 'Fixture file or folder to load at start; repeatable.',
    programmatic: { name: 'fixtures', default: [], defaultText: 'none' },
  },
  noFixtures: {
    flag: 'no-fixtures',
    kind: 'boolean',
    commands: serve,
    description: 'Start with no fixtures loaded.',
  },
  publicUrl: {
    flag: 'public-url',
    kind: 'string',
    valueName: 'url',
    check: httpUrl,
    commands: serve,
    defaultText: 'http://<host>:<port>',
    description: 'Base URL of file_link and SignedUrl, as clients reach this mock (set it when on 0.0.0.0 or ::).',
    programmatic: { name: 'publicUrl' },
  },
  rateCapacity: {
    flag: 'rate-capacity',
    kind: 'number',
    valueName: 'n',
    check: positiveInt,
    commands: serve,
    default: 60,
    description: 'Token bucket size per API key.',
    programmatic: { name: 'rateLimit.capacity' },
  },
  rateRefill: {
    flag: 'rate-refill',
    kind: 'number',
    valueName: 'per-sec',
    check: positiveNumber,
    commands: serve,
    default: 10,
    description: 'Tokens added per second per API key.',
    programmatic: { name: 'rateLimit.refillPerSecond' },
  },
  noRateLimit: {
    flag: 'no-rate-limit',
    kind: 'boolean',
    commands: serve,
    description: 'Turn rate limiting off (no 429s, no x-ratelimit-* headers).',
    programmatic: { name: 'rateLimit: false' },
  },
  signingSecret: {
    flag: 'signing-secret',
    kind: 'string',
    valueName: 'secret',
    commands: serve,
    defaultText: 'random per start',
    description: 'HMAC secret for SignedUrl; set it to keep URLs valid across restarts.',
    programmatic: { name: 'signingSecret' },
  },
  signedUrlTtl: {
    flag: 'signed-url-ttl',
    kind: 'number',
    valueName: 'seconds',
    check: positiveInt,
    commands: serve,
    default: 3600,
    description: 'Lifetime of a SignedUrl.',
    programmatic: { name: 'signedUrlTtlSeconds' },
  },
  clock: {
    flag: 'clock',
    kind: 'string',
    valueName: 'mode',
    check: clockMode,
    commands: serve,
    default: 'real',
    description: 'real, or manual: frozen until moved with POST /_mock/clock.',
    programmatic: { name: 'clock' },
  },
  latency: {
    flag: 'latency',
    kind: 'string',
    valueName: 'ms|min-max',
    check: latency,
    commands: serve,
    default: '0',
    description: 'Delay added to every emulated request, fixed or uniform in a range.',
    programmatic: { name: 'latency' },
  },
  latencySeed: {
    flag: 'latency-seed',
    kind: 'number',
    valueName: 'n',
    check: wholeNumber,
    commands: serve,
    default: 1,
    description: 'Seed of the latency PRNG, so runs repeat.',
    programmatic: { name: 'latencySeed' },
  },
  journalSize: {
    flag: 'journal-size',
    kind: 'number',
    valueName: 'n',
    check: positiveInt,
    commands: serve,
    default: 10_000,
    description: 'Requests kept in the journal (GET /_mock/requests); oldest dropped first.',
    programmatic: { name: 'journalSize' },
  },
  adminToken: {
    flag: 'admin-token',
    kind: 'string',
    valueName: 'token',
    commands: serve,
    defaultText: 'none: /_mock answers loopback callers only',
    description: 'Bearer token required by every /_mock route but /_mock/health.',
    programmatic: { name: 'adminToken' },
  },
  noAdmin: {
    flag: 'no-admin',
    kind: 'boolean',
    commands: serve,
    description: 'Remove the /_mock control routes (health stays).',
    programmatic: { name: 'admin: false' },
  },
  bodyLimit: {
    flag: 'body-limit',
    kind: 'number',
    valueName: 'bytes',
    check: positiveInt,
    commands: serve,
    default: 10 * 1024 * 1024,
    description: 'Largest request body (413 above it).',
  },
  shutdownTimeout: {
    flag: 'shutdown-timeout',
    kind: 'number',
    valueName: 'ms',
    check: positiveInt,
    commands: serve,
    default: 10_000,
    description: 'On SIGTERM/SIGINT, how long in-flight requests may take before connections are cut.',
  },
  exitWithParent: {
    flag: 'exit-with-parent',
    kind: 'boolean',
    commands: serve,
    description: 'Shut down, as on SIGTERM, once the process that started the mock is gone.',
  },
  logLevel: {
    flag: 'log-level',
    kind: 'string',
    valueName: 'level',
    check: logLevel,
    commands: serve,
    default: 'info',
    description: `${LOG_LEVELS.join(', ')}; debug and trace log every request.`,
    programmatic: { name: 'logger', default: false, defaultText: 'off' },
  },
} as const satisfies Record<string, OptionSpec>;

/** The table in order, as --help and docs/cli.md list it. */
export const OPTION_SPECS: readonly OptionSpec[] = Object.values(OPTIONS);

/** -h and -v, which every command takes besides its options. */
export const STANDARD_FLAGS = [
  { flag: 'help', short: 'h', description: 'Show this help' },
  { flag: 'version', short: 'v', description: 'Show the version' },
] as const;

export const envName = (flag: string) => `ANCHOR_MOCK_${flag.replaceAll('-', '_').toUpperCase()}`;

/** How a default reads in help and docs, or undefined for an option without one. */
export function defaultText(spec: OptionSpec): string | undefined {
  if (spec.defaultText !== undefined) return spec.defaultText;
  return spec.default === undefined ? undefined : String(spec.default);
}
