// @ts-check
// Turns measurements into the printed table and results.md.

/**
 * @typedef {object} Row
 * @property {string} case
 * @property {string} [baseline]
 * @property {number} [baseRps]
 * @property {number} [baseP50]
 * @property {number} [baseP99]
 * @property {number} [mockRps]
 * @property {number} [mockP50]
 * @property {number} [mockP99]
 * @property {string} measured
 * @property {string} target
 * @property {boolean} pass
 * @property {string} [notes]
 */

export const rps = (/** @type {number | undefined} */ n) =>
  n === undefined || Number.isNaN(n) ? '' : Math.round(n).toLocaleString('en-US');
export const ms = (/** @type {number | undefined} */ n) =>
  n === undefined || Number.isNaN(n) ? '' : `${n.toFixed(2)} ms`;
export const mb = (/** @type {number} */ bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * A Markdown table with padded columns, so it reads the same in a terminal.
 * @param {string[]} header
 * @param {string[][]} body
 * @param {('l' | 'r')[]} align
 */
export function markdownTable(header, body, align) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length), 3));
  const cell = (/** @type {string} */ s, /** @type {number} */ i) =>
    align[i] === 'r' ? s.padStart(widths[i] ?? 0) : s.padEnd(widths[i] ?? 0);
  const line = (/** @type {string[]} */ cells) => `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** @param {Row[]} rows */
export function resultsTable(rows) {
  return markdownTable(
    [
      'Case',
      'Baseline',
      'Base req/s',
      'Base p50',
      'Base p99',
      'Mock req/s',
      'Mock p50',
      'Mock p99',
      'Measured',
      'Target',
      'Result',
      'Notes',
    ],
    rows.map((r) => [
      r.case,
      r.baseline ?? '',
      rps(r.baseRps),
      ms(r.baseP50),
      ms(r.baseP99),
      rps(r.mockRps),
      ms(r.mockP50),
      ms(r.mockP99),
      r.measured,
      r.target,
      r.pass ? 'PASS' : 'FAIL',
      r.notes ?? '',
    ]),
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l', 'l'],
  );
}

/**
 * The start-up rows: wall and CPU time beside each other; a row judged on
 * nothing (an operation not served yet) says n/a.
 * @param {import('./startup.mjs').StartupRow[]} rows
 */
export function startupTable(rows) {
  return markdownTable(
    ['Case', 'Build', 'Baseline', 'Baseline median', 'Mock median', 'Measured', 'Target', 'Result', 'Notes'],
    rows.map((r) => [
      r.case,
      r.source,
      r.baseline,
      r.base,
      r.mock,
      r.measured,
      r.target,
      r.pass === null ? 'n/a' : r.pass ? 'PASS' : 'FAIL',
      r.notes,
    ]),
    ['l', 'l', 'l', 'r', 'r', 'r', 'l', 'l', 'l'],
  );
}
