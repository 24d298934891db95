/**
 * The journal of requests to the emulated API, for suites to check what the
 * code under test sent. Bounded: the oldest entries go first. Holds a key's
 * fingerprint, never the key.
 */
export interface JournalEntry {
  id: number;
  time: string;
  method: string;
  path: string;
  session_id: string | null;
  status: number;
  duration_ms: number;
  response_bytes: number;
  key_fingerprint: string | null;
  /** Set when a `Prefer: code=…` header chose the answer. */
  forced: boolean;
  /** The id of the fault rule that answered, if one did. */
  fault_id: string | null;
}

export interface JournalFilter {
  sessionId?: string;
  status?: number;
  /** Epoch ms: entries at or after it. */
  since?: number;
  /** The newest `limit` matches (still listed oldest first). */
  limit?: number;
}

/** As recorded: the time stays a number until someone reads the journal. */
export type JournalRecord = Omit<JournalEntry, 'id' | 'time'> & { timeMs: number };
type Stored = JournalRecord & { id: number };

export class RequestJournal {
  #entries: Stored[] = [];
  #start = 0;
  #nextId = 1;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('journal size must be an integer >= 1');
  }

  add(entry: JournalRecord): void {
    const full = entry as Stored;
    full.id = this.#nextId++;
    if (this.#entries.length - this.#start < this.capacity) {
      this.#entries.push(full);
    } else {
      // Amortized ring: drop from the front, compact now and then.
      this.#start++;
      this.#entries.push(full);
      if (this.#start >= this.capacity) {
        this.#entries = this.#entries.slice(this.#start);
        this.#start = 0;
      }
    }
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = this.#start; i < this.#entries.length; i++) {
      const e = this.#entries[i]!;
      if (filter.sessionId !== undefined && e.session_id !== filter.sessionId) continue;
      if (filter.status !== undefined && e.status !== filter.status) continue;
      if (filter.since !== undefined && e.timeMs < filter.since) continue;
      const { timeMs, id, ...rest } = e;
      out.push({ id, time: new Date(timeMs).toISOString(), ...rest });
    }
    return filter.limit !== undefined ? out.slice(Math.max(0, out.length - filter.limit)) : out;
  }

  get size(): number {
    return this.#entries.length - this.#start;
  }

  clear(): void {
    this.#entries = [];
    this.#start = 0;
  }
}
