import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import {
  defaultText,
  envName,
  OPTION_SPECS,
  STANDARD_FLAGS,
  type Command,
  type OptionSpec,
} from '../config/options.js';

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

type Value = string | number | boolean | string[];

export interface ParsedOptions {
  /** By flag; what neither argv nor the environment set is absent, for `valueOf` to default. */
  values: Record<string, Value | undefined>;
  positionals: string[];
  help: boolean;
  version: boolean;
}

/** An option's value as parsed: what its kind, or the output of its check, makes it. */
type ParsedValue<S extends OptionSpec> = S['kind'] extends 'boolean'
  ? boolean
  : S['kind'] extends 'list'
    ? string[]
    : S extends { check: infer C extends z.ZodType }
      ? z.output<C>
      : string;

type DefaultOf<S extends OptionSpec> = S extends { default: infer D } ? D : undefined;

/** The value argv or the environment gave the option, else the CLI's default from the table. */
export function valueOf<S extends OptionSpec>(values: ParsedOptions['values'], spec: S): ParsedValue<S> | DefaultOf<S> {
  return (values[spec.flag] ?? spec.default) as ParsedValue<S> | DefaultOf<S>;
}

const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

/**
 * Parses argv for one command, then fills what argv left unset from the
 * environment (flags win). Throws UsageError with a one-line message naming
 * the flag or variable at fault.
 */
export function parseOptions(
  command: Command,
  argv: readonly string[],
  env: Record<string, string | undefined>,
): ParsedOptions {
  const specs = OPTION_SPECS.filter((s) => s.commands.includes(command));
  const parsed = parseArgv(specs, argv);
  const renamedVariable = renamedError(specs, envName, (flag) => (env[envName(flag)] ?? '') !== '');
  if (renamedVariable) throw renamedVariable;

  const values: ParsedOptions['values'] = {};
  for (const spec of specs) {
    const fromArgv = parsed.values[spec.flag];
    const raw = fromArgv ?? fromEnvironment(spec, env[envName(spec.flag)]);
    if (raw !== undefined) values[spec.flag] = checked(spec, raw, fromArgv !== undefined);
  }
  return {
    values,
    positionals: parsed.positionals,
    help: parsed.values.help === true,
    version: parsed.values.version === true,
  };
}

type RawValue = Exclude<Value, number>;

function parseArgv(
  specs: readonly OptionSpec[],
  argv: readonly string[],
): { values: Record<string, RawValue | undefined>; positionals: string[] } {
  const options: ParseArgsConfig['options'] = Object.fromEntries([
    ...STANDARD_FLAGS.map((f) => [f.flag, { type: 'boolean', short: f.short }] as const),
    ...specs.map((s) => {
      const type = s.kind === 'boolean' ? 'boolean' : 'string';
      return [s.flag, { type, multiple: s.kind === 'list' }] as const;
    }),
  ]);
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
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
}

/** The raw value of the option's variable, read as its kind says; empty counts as unset. */
function fromEnvironment(spec: OptionSpec, text: string | undefined): RawValue | undefined {
  if (text === undefined || text === '') return undefined;
  if (spec.kind === 'list')
    return text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
  if (spec.kind !== 'boolean') return text;
  const v = text.trim().toLowerCase();
  if (!TRUE.has(v) && !FALSE.has(v)) {
    throw new UsageError(`${envName(spec.flag)} must be true, false, 1 or 0 (got "${text}")`);
  }
  return TRUE.has(v);
}

/** The value after the option's check; a failed check names the flag, or the variable, it came from. */
function checked(spec: OptionSpec, raw: RawValue, fromArgv: boolean): Value {
  if (typeof raw !== 'string' || (spec.kind !== 'string' && spec.kind !== 'number')) return raw;
  const source = fromArgv ? `--${spec.flag}` : envName(spec.flag);
  if (raw === '') throw new UsageError(`${source} needs a value`);
  if (!spec.check) return raw;
  const result = spec.check.safeParse(raw);
  if (!result.success) {
    throw new UsageError(`${source} ${result.error.issues[0]?.message ?? 'is invalid'} (got "${raw}")`);
  }
  return result.data as string | number;
}

const HELP_COLUMN = 30;

export function optionsHelp(command: Command): string {
  const rows = OPTION_SPECS.filter((s) => s.commands.includes(command)).map((s) => {
    const left = `  --${s.flag}${s.valueName ? ` <${s.valueName}>` : ''}`;
    const text = defaultText(s);
    const def = text === undefined ? '' : ` (default: ${text})`;
    return `${left.padEnd(HELP_COLUMN)}${s.description}${def}\n${''.padEnd(HELP_COLUMN)}env ${envName(s.flag)}`;
  });
  const standard = STANDARD_FLAGS.map((f) => `  -${f.short}, --${f.flag}`.padEnd(HELP_COLUMN) + f.description);
  return [...rows, ...standard].join('\n');
}
