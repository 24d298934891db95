/** mulberry32: a tiny PRNG whose sequence depends only on its seed, so a failing run repeats. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
