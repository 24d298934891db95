import { envName, OPTION_SPECS } from '../config/options.js';
import { RENAMED_OPTIONS } from './options.js';

const PREFIX = 'ANCHOR_MOCK_';

/**
 * One warning per ANCHOR_MOCK_* variable that no command reads, naming the
 * closest known one. Known means read by any command, not only the one
 * running: an image sets variables for `serve` that `healthcheck` then sees,
 * and a warning about those would be noise.
 */
export function unknownVariableWarnings(env: Record<string, string | undefined>): string[] {
  const known = [...new Set(OPTION_SPECS.map((s) => envName(s.flag)))];
  const renamed = new Map(RENAMED_OPTIONS.map((r) => [envName(r.flag), envName(r.renamedTo)]));
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    // Empty counts as unset, as it does for the known variables.
    if (!name.startsWith(PREFIX) || known.includes(name) || !env[name]) continue;
    const newName = renamed.get(name);
    warnings.push(
      newName === undefined
        ? `${name} is not a variable anchorbrowser-mock reads, so it is ignored; ` +
            `the closest known one is ${closest(name, known)}`
        : `${name} was renamed ${newName}, so it is ignored`,
    );
  }
  return warnings;
}

function closest(name: string, candidates: readonly string[]): string {
  let best = candidates[0]!;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(name.slice(PREFIX.length), candidate.slice(PREFIX.length));
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Levenshtein distance, with one row kept. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
