import type { Store } from '../store/store.js';

const DEFAULT_LIMIT = 10_000;

/**
 * Values read from the store, by key, kept until its next write (every write
 * path bumps `store.generation`), and bounded: at `limit` entries it starts
 * over. `compute` reads the store on a miss (null for "not there", which is
 * cached too); a value `keep` refuses is answered but not kept, and a kept
 * one that `valid` refuses (it depends on more than the store) is read again.
 */
export class StoreCache<V extends NonNullable<unknown> | null> {
  readonly #entries = new Map<string, V>();
  #generation = -1;

  constructor(
    private readonly store: Store,
    private readonly compute: (key: string) => V,
    private readonly options: {
      limit?: number;
      keep?: (value: V) => boolean;
      valid?: (value: V) => boolean;
    } = {},
  ) {}

  get(key: string): V {
    if (this.#generation !== this.store.generation) this.clear();
    let value = this.#entries.get(key);
    if (value !== undefined && this.options.valid && !this.options.valid(value)) value = undefined;
    if (value === undefined) {
      value = this.compute(key);
      if (this.options.keep?.(value) ?? true) {
        if (this.#entries.size >= (this.options.limit ?? DEFAULT_LIMIT)) this.#entries.clear();
        this.#entries.set(key, value);
      }
    }
    return value;
  }

  /** Forgets every entry now (the store's next write does it too). */
  clear(): void {
    this.#entries.clear();
    this.#generation = this.store.generation;
  }
}
