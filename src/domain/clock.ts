/**
 * The one clock behind token buckets, signed-URL expiry and generated
 * `created_at`. In `real` mode it follows the wall clock plus an offset; in
 * `manual` mode it stands still until a test moves it, so suites never sleep.
 */
export const CLOCK_MODES = ['real', 'manual'] as const;
export type ClockMode = (typeof CLOCK_MODES)[number];

/** 9999-12-31T23:59:59.999Z */
export const MAX_EPOCH_MS = 253_402_300_799_999;

export class Clock {
  #mode: ClockMode;
  #offsetMs = 0;
  #frozenAt: number;
  readonly #wall: () => number;
  readonly #listeners: ((from: number, to: number) => void)[] = [];

  constructor(options: { mode?: ClockMode; now?: number; wall?: () => number } = {}) {
    this.#wall = options.wall ?? Date.now;
    this.#mode = options.mode ?? 'real';
    this.#frozenAt = options.now ?? this.#wall();
    if (options.now !== undefined) this.#offsetMs = options.now - this.#wall();
  }

  get mode(): ClockMode {
    return this.#mode;
  }

  /** Milliseconds since the Unix epoch, as this mock sees it. */
  now(): number {
    return this.#mode === 'manual' ? this.#frozenAt : this.#wall() + this.#offsetMs;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance needs a finite number of milliseconds >= 0');
    return this.set(this.now() + ms);
  }

  set(epochMs: number): number {
    // Every reading must stay a valid date (created_at, the journal, Retry-After).
    if (!Number.isFinite(epochMs) || epochMs < 0 || epochMs > MAX_EPOCH_MS) {
      throw new RangeError('the clock must stay between 1970-01-01 and 9999-12-31');
    }
    const from = this.now();
    if (this.#mode === 'manual') this.#frozenAt = epochMs;
    else this.#offsetMs = epochMs - this.#wall();
    return this.#moved(from);
  }

  /**
   * Calls `listener` after every explicit move of the clock (set, advance,
   * setToWall), with the readings before and after; not as real time passes.
   */
  onChange(listener: (from: number, to: number) => void): void {
    this.#listeners.push(listener);
  }

  #moved(from: number): number {
    const to = this.now();
    for (const listener of this.#listeners) listener(from, to);
    return to;
  }

  /**
   * Back to the wall clock's reading: in real mode the clock follows the wall
   * clock again, in manual mode it stands at the wall clock's time.
   */
  setToWall(): number {
    const from = this.now();
    if (this.#mode === 'manual') this.#frozenAt = this.#wall();
    else this.#offsetMs = 0;
    return this.#moved(from);
  }

  /**
   * Switching keeps the current reading, so time never jumps on a mode change:
   * real mode resumes from where a manual clock stood (setToWall to catch up).
   */
  setMode(mode: ClockMode): void {
    if (mode === this.#mode) return;
    const current = this.now();
    this.#mode = mode;
    this.set(current);
  }
}
