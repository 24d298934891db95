import { seededRandom } from '../../src/domain/latency.js';

/** mulberry32 (the mock's own latency PRNG): its sequence depends only on its seed, so a failing run repeats. */
export const mulberry32 = seededRandom;

/**
 * The seed of a robustness test: ROBUSTNESS_SEED when set (to replay a
 * failure), else the file's fixed default, so CI runs are repeatable.
 */
export function robustnessSeed(fallback: number): number {
  const given = process.env.ROBUSTNESS_SEED;
  if (given === undefined || given === '') return fallback;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 0) throw new Error(`ROBUSTNESS_SEED must be a non-negative integer, got "${given}"`);
  return n;
}

/** Draw helpers over one PRNG. */
export function picker(random: () => number) {
  return {
    random,
    int: (min: number, max: number) => min + Math.floor(random() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!,
    chance: (p: number) => random() < p,
  };
}
