#!/usr/bin/env node
import { COMMANDS, OPTIONS, type Command } from '../config/options.js';
import { FixtureError } from '../fixture-loader/fixture-loader.js';
import { SchemaVersionError } from '../store/store.js';
import { PACKAGE_VERSION } from '../version.js';
import { helpText } from './help.js';
import { parseOptions, UsageError, valueOf, type ParsedOptions } from './options.js';
import { portInUseMessage } from './port-in-use.js';
import { seed } from './seed-command.js';
import { serve } from './serve-command.js';
import { unknownVariableWarnings } from './unknown-variables.js';

async function healthcheck(opts: ParsedOptions): Promise<number> {
  const port = valueOf(opts.values, OPTIONS.port);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/_mock/health`, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json()) as { status?: string };
    if (res.status === 200 && body.status === 'ok') return 0;
    console.error(`unhealthy: ${res.status} ${JSON.stringify(body)}`);
  } catch (err) {
    console.error(`unhealthy: ${(err as Error).message}`);
  }
  return 1;
}

export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<number | undefined> {
  const first = argv[0];
  const command: Command = COMMANDS.includes(first as Command) ? (first as Command) : 'serve';
  const rest = command === first ? argv.slice(1) : argv;
  const opts = parseOptions(command, rest, env);
  if (opts.help) {
    process.stdout.write(helpText(command));
    return 0;
  }
  if (opts.version) {
    console.log(PACKAGE_VERSION);
    return 0;
  }
  for (const warning of unknownVariableWarnings(env)) console.error(`anchorbrowser-mock: warning: ${warning}`);
  if (command === 'seed') {
    seed(opts);
    return 0;
  }
  if (command === 'healthcheck') return healthcheck(opts);
  await serve(opts);
  return undefined; // keeps running until a signal
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  async (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`anchorbrowser-mock: ${err.message}. See --help.`);
      process.exit(2);
    }
    if (err instanceof FixtureError || err instanceof SchemaVersionError) {
      console.error(`anchorbrowser-mock: ${err.message}`);
      process.exit(1);
    }
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
    if (e.code === 'EADDRINUSE' && e.address !== undefined && e.port !== undefined) {
      console.error(`anchorbrowser-mock: ${await portInUseMessage(e.address, e.port)}`);
      process.exit(1);
    }
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      console.error(`anchorbrowser-mock: cannot listen: ${e.message}`);
      process.exit(1);
    }
    console.error('anchorbrowser-mock: unexpected error:', err);
    process.exit(1);
  },
);
