import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseLatency } from '../domain/latency.js';

/**
 * Every flag of the CLI, with its environment variable (ANCHOR_MOCK_ + the
 * flag in upper snake case), default and help line: one table that drives
 * parsing, --help and the README.
 */
export interface OptionSpec {
  flag: string;
  kind: 'string' | 'number' | 'boolean' | 'list';
  description: string;
  valueName?: string;
  defaultText?: string;
  /** zod check of the raw string for string/number options. */
  check?: z.ZodType;
  commands: ReadonlyArray<'serve' | 'seed' | 'healthcheck'>;
}

const numeric = (check: z.ZodNumber) => z.string().regex(/^\d+(\.\d+)?$/, 'must be a number').transform(Number).pipe(check);
const positiveNumber = numeric(z.number().gt(0, 'must be a number > 0'));
const positiveInt = numeric(z.number().int('must be a whole number').min(1, 'must be >= 1'));
const port = numeric(z.number().int('must be a whole number').max(65535, 'must be a port number, 0–65535'));
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://mock:4010' });
const latency = z.string().refine((v) => parseLatency(v) !== undefined, 'must be <ms> or <min>-<max> with min <= max, e.g. 20-80');
const clockMode = z.enum(['real', 'manual'], { error: 'must be real or manual' });
const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const wholeNumber = numeric(z.number().int('must be a whole number'));
const logLevel = z.enum(levels, { error: `must be one of ${levels.join(', ')}` });

export const OPTION_SPECS: readonly OptionSpec[] = [
  { flag: 'host', kind: 'string', valueName: 'addr', defaultText: '127.0.0.1', description: 'Address to listen on (0.0.0.0 in a container).', commands: ['serve'] },
  { flag: 'port', kind: 'number', valueName: 'n', defaultText: '4010', check: port, description: 'Port to listen on; 0 picks a free one.', commands: ['serve', 'healthcheck'] },
  { flag: 'db', kind: 'string', valueName: 'file', defaultText: ':memory:, so each start serves exactly its fixtures', description: 'SQLite file that keeps data across starts; start-up fixtures merge into what it holds.', commands: ['serve'] },
  { flag: 'db', kind: 'string', valueName: 'file', defaultText: 'none: required', description: 'SQLite file to write (not :memory:, which would be gone on exit).', commands: ['seed'] },
  { flag: 'fresh', kind: 'boolean', description: 'Empty the --db file before loading the fixtures, in the same transaction: a failed load keeps the old data.', commands: ['serve'] },
  { flag: 'fixtures', kind: 'list', valueName: 'path', defaultText: 'the bundled fixtures/', description: 'Fixture file or folder to load at start; repeatable.', commands: ['serve'] },
  { flag: 'no-fixtures', kind: 'boolean', description: 'Start with no fixtures loaded.', commands: ['serve'] },
  { flag: 'public-url', kind: 'string', valueName: 'url', defaultText: 'http://<host>:<port>', check: httpUrl, description: 'Base URL of file_link and SignedUrl, as clients reach this mock.', commands: ['serve'] },
  { flag: 'rate-capacity', kind: 'number', valueName: 'n', defaultText: '60', check: positiveInt, description: 'Token bucket size per API key.', commands: ['serve'] },
  { flag: 'rate-refill', kind: 'number', valueName: 'per-sec', defaultText: '10', check: positiveNumber, description: 'Tokens added per second per API key.', commands: ['serve'] },
  { flag: 'no-rate-limit', kind: 'boolean', description: 'Turn rate limiting off (no 429s, no x-ratelimit-* headers).', commands: ['serve'] },
  { flag: 'signing-secret', kind: 'string', valueName: 'secret', defaultText: 'random per start', description: 'HMAC secret for SignedUrl; set it to keep URLs valid across restarts.', commands: ['serve'] },
  { flag: 'signed-url-ttl', kind: 'number', valueName: 'seconds', defaultText: '3600', check: positiveInt, description: 'Lifetime of a SignedUrl.', commands: ['serve'] },
  { flag: 'clock', kind: 'string', valueName: 'mode', defaultText: 'real', check: clockMode, description: 'real, or manual: frozen until moved with POST /_mock/clock.', commands: ['serve'] },
  { flag: 'latency', kind: 'string', valueName: 'ms|min-max', defaultText: '0', check: latency, description: 'Delay added to every emulated request, fixed or uniform in a range.', commands: ['serve'] },
  { flag: 'latency-seed', kind: 'number', valueName: 'n', defaultText: '1', check: wholeNumber, description: 'Seed of the latency PRNG, so runs repeat.', commands: ['serve'] },
  { flag: 'journal-size', kind: 'number', valueName: 'n', defaultText: '10000', check: positiveInt, description: 'Requests kept in the journal (GET /_mock/requests); oldest dropped first.', commands: ['serve'] },
  { flag: 'admin-token', kind: 'string', valueName: 'token', defaultText: 'none: /_mock answers loopback callers only', description: 'Bearer token required by every /_mock route but /_mock/health.', commands: ['serve'] },
  { flag: 'no-admin', kind: 'boolean', description: 'Remove the /_mock control routes (health stays).', commands: ['serve'] },
  { flag: 'body-limit', kind: 'number', valueName: 'bytes', defaultText: '10485760', check: positiveInt, description: 'Largest request body (413 above it).', commands: ['serve'] },
  { flag: 'shutdown-timeout', kind: 'number', valueName: 'ms', defaultText: '10000', check: positiveInt, description: 'On SIGTERM/SIGINT, how long in-flight requests may take before connections are cut.', commands: ['serve'] },
  { flag: 'exit-with-parent', kind: 'boolean', description: 'Shut down, as on SIGTERM, once the process that started the mock is gone.', commands: ['serve'] },
  { flag: 'log-level', kind: 'string', valueName: 'level', defaultText: 'info', check: logLevel, description: 'fatal, error, warn, info, debug (logs every request), trace or silent.', commands: ['serve'] },
];

export const envName = (flag: string) => `ANCHOR_MOCK_${flag.replaceAll('-', '_').toUpperCase()}`;

/**
 * Old names that now fail, naming the new one, for the commands that read the
 * new option (a silently ignored --seed would leave runs unrepeatable).
 */
export const RENAMED_OPTIONS: ReadonlyArray<{ flag: string; renamedTo: string }> = [
  // `seed` is also the command and the mock.seed() method.
  { flag: 'seed', renamedTo: 'latency-seed' },
];

const renamedError = (
  specs: readonly OptionSpec[],
  name: (flag: string) => string,
  used: (flag: string) => boolean,
): UsageError | undefined => {
  for (const { flag, renamedTo } of RENAMED_OPTIONS) {
    if (used(flag) && specs.some((s) => s.flag === renamedTo)) {
      return new UsageError(`${name(flag)} was renamed ${name(renamedTo)}`);
    }
  }
  return undefined;
};

export class UsageError extends Error {}

export interface ParsedOptions {
  values: Record<string, string | number | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
  version: boolean;
}

const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

/**
 * Parses argv for one command, then fills what argv left unset from the
 * environment (flags win). Throws UsageError with a one-line message naming
 * the flag or variable at fault.
 */
// eslint-disable-next-line max-lines-per-function -- split in the options branch
export function parseOptions(
  command: 'serve' | 'seed' | 'healthcheck',
  argv: readonly string[],
  env: Record<string, string | undefined>,
): ParsedOptions {
  const specs = OPTION_SPECS.filter((s) => s.commands.includes(command));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        ...Object.fromEntries(
          specs.map((s) => [s.flag, { type: s.kind === 'boolean' ? 'boolean' : 'string', multiple: s.kind === 'list' }] as const),
        ),
      },
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const unknown = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? (err as Error).message : '';
    const renamed = renamedError(
      specs,
      (flag) => `--${flag}`,
      (flag) => unknown.startsWith(`Unknown option '--${flag}'`),
    );
    if (renamed) throw renamed;
    // node:util's messages name the flag; keep their first sentence.
    throw new UsageError((err as Error).message.split(/\.\s/)[0]!.replace(/\.$/, ''));
  }

  const renamedVariable = renamedError(specs, envName, (flag) => (env[envName(flag)] ?? '') !== '');
  if (renamedVariable) throw renamedVariable;

  const values: ParsedOptions['values'] = {};
  for (const spec of specs) {
    const fromArgv = parsed.values[spec.flag as keyof typeof parsed.values];
    const variable = envName(spec.flag);
    const fromEnv = env[variable];
    const source = fromArgv !== undefined ? `--${spec.flag}` : variable;
    let raw: string | boolean | string[] | undefined = fromArgv as string | boolean | string[] | undefined;
    if (raw === undefined && fromEnv !== undefined && fromEnv !== '') {
      if (spec.kind === 'boolean') {
        const v = fromEnv.trim().toLowerCase();
        if (!TRUE.has(v) && !FALSE.has(v)) throw new UsageError(`${variable} must be true, false, 1 or 0 (got "${fromEnv}")`);
        raw = TRUE.has(v);
      } else if (spec.kind === 'list') {
        raw = fromEnv.split(',').map((p) => p.trim()).filter(Boolean);
      } else {
        raw = fromEnv;
      }
    }
    if (raw === undefined) continue;
    if ((spec.kind === 'string' || spec.kind === 'number') && typeof raw === 'string') {
      if (raw === '') throw new UsageError(`${source} needs a value`);
      if (spec.check) {
        const result = spec.check.safeParse(raw);
        if (!result.success) throw new UsageError(`${source} ${result.error.issues[0]?.message ?? 'is invalid'} (got "${raw}")`);
        values[spec.flag] = result.data as string | number;
        continue;
      }
    }
    values[spec.flag] = raw;
  }
  return { values, positionals: parsed.positionals, help: parsed.values.help === true, version: parsed.values.version === true };
}

export function optionsHelp(command: 'serve' | 'seed' | 'healthcheck'): string {
  const rows = OPTION_SPECS.filter((s) => s.commands.includes(command)).map((s) => {
    const left = `  --${s.flag}${s.valueName ? ` <${s.valueName}>` : ''}`;
    const def = s.defaultText ? ` (default: ${s.defaultText})` : '';
    return `${left.padEnd(30)}${s.description}${def}\n${''.padEnd(30)}env ${envName(s.flag)}`;
  });
  return rows.join('\n');
}
