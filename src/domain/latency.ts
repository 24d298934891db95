/** Added delay for emulated routes: a fixed value or uniform in [min, max], from a seeded PRNG so runs repeat. */
export interface LatencyRange {
  min: number;
  max: number;
}

export function parseLatency(text: string): LatencyRange | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  return max >= min ? { min, max } : undefined;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Latency {
  readonly #random: () => number;
  constructor(
    readonly range: LatencyRange,
    seed: number,
  ) {
    this.#random = seededRandom(seed);
  }

  next(): number {
    const { min, max } = this.range;
    return min === max ? min : min + Math.floor(this.#random() * (max - min + 1));
  }
}
