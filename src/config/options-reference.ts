import { envName, OPTION_SPECS, STANDARD_FLAGS, type OptionSpec } from './options.js';

// The options table of docs/cli.md, written by `npm run docs:cli` between two
// markers; a test fails when the file and the table in options.ts differ.

export const REFERENCE_START =
  '<!-- options: written by `npm run docs:cli` from src/config/options.ts; edit it there -->';
export const REFERENCE_END = '<!-- /options -->';

/** Markdown that reads as the plain text: pipes would end the cell, and <word> would be taken for HTML. */
const plain = (text: string) => text.replaceAll('|', '\\|').replaceAll('<', '&lt;');
const code = (text: string) => `\`${text.replaceAll('|', '\\|')}\``;

/** A value in code, a text as it reads; nothing when there is neither. */
const defaultCell = (value: unknown, text: string | undefined) =>
  text !== undefined ? plain(text) : value === undefined ? '' : code(String(value));

/** Its name in startMockServer(), and its default there where that differs from the CLI's. */
function programmaticCell(spec: OptionSpec): string {
  const p = spec.programmatic;
  if (p === undefined) return '';
  const own = defaultCell(p.default, p.defaultText);
  return own === '' ? code(p.name) : `${code(p.name)}, default ${own}`;
}

function row(spec: OptionSpec): string {
  const onlyServe = spec.commands.length === 1 && spec.commands[0] === 'serve';
  const commands = onlyServe ? '' : ` (${spec.commands.map((c) => `\`${c}\``).join(', ')})`;
  const cells = [
    code(`--${spec.flag}${spec.valueName ? ` <${spec.valueName}>` : ''}`),
    code(envName(spec.flag)),
    defaultCell(spec.default, spec.defaultText),
    programmaticCell(spec),
    plain(spec.description) + commands,
  ];
  return tableRow(cells);
}

const tableRow = (cells: readonly string[]) => `|${cells.map((c) => (c === '' ? ' ' : ` ${c} `)).join('|')}|`;

/** The table: one row per option, then -h and -v. */
export function optionsReference(): string {
  const head = [tableRow(['flag', 'variable', 'default', '`startMockServer()`', 'meaning']), '|---|---|---|---|---|'];
  const standard = STANDARD_FLAGS.map((f) => tableRow([code(`-${f.short}, --${f.flag}`), '', '', '', f.description]));
  return [...head, ...OPTION_SPECS.map(row), ...standard].join('\n');
}

/** `markdown` with the table between the markers replaced by the current one. */
export function withOptionsReference(markdown: string, file: string): string {
  const start = markdown.indexOf(REFERENCE_START);
  const end = markdown.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error(`${file}: no ${REFERENCE_START} ... ${REFERENCE_END} markers`);
  return `${markdown.slice(0, start + REFERENCE_START.length)}\n${optionsReference()}\n${markdown.slice(end)}`;
}
