import type { Command } from '../config/options.js';
import { optionsHelp } from './options.js';

const USAGE: Record<Command, string> = {
  serve:
    'anchorbrowser-mock [serve] [options]\n\nServe the emulated AnchorBrowser API (the default command).\n' +
    'The store is in memory unless --db names a file: each start serves exactly its fixtures.\n' +
    'A --db file keeps its data across starts, and start-up fixtures merge into it (--fresh empties it first).',
  seed:
    'anchorbrowser-mock seed <file-or-dir>... --db <file>\n\n' +
    'Load fixture files into a database file, in one transaction, and print what was loaded.\n' +
    'If it fails, no fixture rows are stored, and a database file (and folder) it created is removed again.',
  healthcheck:
    'anchorbrowser-mock healthcheck [--port <n>]\n\n' +
    'Exit 0 if the mock on 127.0.0.1:<port> answers /_mock/health, else 1 (for container health checks).',
};

const COMMANDS_HELP =
  '\n\nCommands:\n' +
  '  serve                       Serve the mock (default)\n' +
  '  seed <file-or-dir>...       Load fixtures into --db and exit\n' +
  '  healthcheck                 Probe a running mock\n\n' +
  "Run `anchorbrowser-mock <command> --help` for a command's options.";

export function helpText(command: Command): string {
  return (
    `Usage: ${USAGE[command]}${command === 'serve' ? COMMANDS_HELP : ''}\n\nOptions:\n${optionsHelp(command)}\n\n` +
    'Flags win over environment variables; lists in variables are comma-separated; booleans are true/false/1/0.\n'
  );
}
