// The journal of requests to the emulated API, for suites to check what the
// code under test sent. Bounded: the oldest entries go first. Holds a key's
// fingerprint, never the key.

import type { JournalEntry } from '../schemas/admin-schemas.js';
import { globToRegExp } from './fault-rules.js';
import type { BodySnapshot } from './journal-body.js';

export type { JournalEntry } from '../schemas/admin-schemas.js';

export interface JournalFilter {
  /** Any case: matched as uppercase. */
  method?: string;
  /** The path without its query: `*` matches any run of characters, so `*` alone matches any path. */
  path?: string;
  sessionId?: string;
  status?: number;
  /** Epoch ms: entries at or after it. */
  since?: number;
  /** The newest `limit` matches (still listed oldest first). */
  limit?: number;
}

/** As recorded: the time stays a number, and the body JSON text, until someone reads the journal. */
export type JournalRecord = Omit<JournalEntry, 'id' | 'time' | 'content_type' | 'body' | 'body_truncated'> & {
  timeMs: number;
  body: BodySnapshot | null;
};

const INITIAL_ROWS = 1024;
const INTERNED_LIMIT = 10_000;

/**
 * A ring of columns rather than of objects: recording a request writes
 * numbers into typed arrays and references to interned strings, so nothing it
 * keeps is allocated per request. (Journal objects would outlive the young
 * generation, making every collection slower and the process larger;
 * docs/performance.md.)
 */
export class RequestJournal {
  #rows = 0;
  /** Slot of the oldest entry; entries run from it, wrapping around. */
  #start = 0;
  #size = 0;
  #nextId = 1;
  #id = new Float64Array(0);
  #timeMs = new Float64Array(0);
  #duration = new Float64Array(0);
  #bytes = new Float64Array(0);
  #status = new Uint16Array(0);
  #forced = new Uint8Array(0);
  #method: string[] = [];
  #path: string[] = [];
  #sessionId: (string | null)[] = [];
  #fingerprint: (string | null)[] = [];
  #faultId: (string | null)[] = [];
  #contentType: (string | null)[] = [];
  /** Bodies as JSON text: one string per request that had a body, none for the others. */
  #body: (string | null)[] = [];
  #bodyTruncated = new Uint8Array(0);
  /** Paths and ids seen, so an entry holds the same string as the ones before it. */
  #interned = new Map<string, string>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('journal size must be an integer >= 1');
  }

  add(entry: JournalRecord): void {
    if (this.#size === this.#rows && this.#rows < this.capacity) this.#grow();
    let slot: number;
    if (this.#size < this.#rows) {
      slot = (this.#start + this.#size) % this.#rows;
      this.#size++;
    } else {
      // Full: the newest takes the oldest's slot.
      slot = this.#start;
      this.#start = (this.#start + 1) % this.#rows;
    }
    this.#id[slot] = this.#nextId++;
    this.#timeMs[slot] = entry.timeMs;
    this.#duration[slot] = entry.duration_ms;
    this.#bytes[slot] = entry.response_bytes;
    this.#status[slot] = entry.status;
    this.#forced[slot] = entry.forced ? 1 : 0;
    this.#method[slot] = entry.method;
    this.#path[slot] = this.#intern(entry.path);
    this.#sessionId[slot] = entry.session_id === null ? null : this.#intern(entry.session_id);
    this.#fingerprint[slot] = entry.key_fingerprint;
    this.#faultId[slot] = entry.fault_id;
    // Most requests have no body: the body columns are written only for one, or to clear a slot that held one.
    if (entry.body !== null || this.#body[slot] !== null) this.#setBody(slot, entry.body);
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const method = filter.method?.toUpperCase();
    const path = filter.path === undefined ? undefined : globToRegExp(filter.path);
    for (let i = 0; i < this.#size; i++) {
      const slot = (this.#start + i) % this.#rows;
      const sessionId = this.#sessionId[slot] ?? null;
      const status = this.#status[slot]!;
      const timeMs = this.#timeMs[slot]!;
      if (filter.sessionId !== undefined && sessionId !== filter.sessionId) continue;
      if (filter.status !== undefined && status !== filter.status) continue;
      if (filter.since !== undefined && timeMs < filter.since) continue;
      if (method !== undefined && this.#method[slot] !== method) continue;
      if (path !== undefined && !path.test(this.#path[slot]!)) continue;
      const body = this.#body[slot] ?? null;
      out.push({
        id: this.#id[slot]!,
        time: new Date(timeMs).toISOString(),
        method: this.#method[slot]!,
        path: this.#path[slot]!,
        session_id: sessionId,
        status,
        duration_ms: this.#duration[slot]!,
        response_bytes: this.#bytes[slot]!,
        key_fingerprint: this.#fingerprint[slot] ?? null,
        forced: this.#forced[slot] === 1,
        fault_id: this.#faultId[slot] ?? null,
        content_type: this.#contentType[slot] ?? null,
        body: body === null ? null : (JSON.parse(body) as unknown),
        body_truncated: this.#bodyTruncated[slot] === 1,
      });
    }
    return filter.limit !== undefined ? out.slice(Math.max(0, out.length - filter.limit)) : out;
  }

  clear(): void {
    this.#start = 0;
    this.#size = 0;
    this.#interned.clear();
    // Let go of the strings the old entries held.
    this.#method.fill('');
    this.#path.fill('');
    this.#sessionId.fill(null);
    this.#fingerprint.fill(null);
    this.#faultId.fill(null);
    this.#contentType.fill(null);
    this.#body.fill(null);
  }

  #setBody(slot: number, body: BodySnapshot | null): void {
    this.#contentType[slot] = body === null ? null : this.#intern(body.contentType);
    this.#body[slot] = body === null ? null : body.json;
    this.#bodyTruncated[slot] = body?.truncated ? 1 : 0;
  }

  /** Doubles the columns (up to the capacity), keeping the entries in order from slot 0. */
  #grow(): void {
    const rows = Math.min(this.capacity, Math.max(INITIAL_ROWS, this.#rows * 2));
    const order = Array.from({ length: this.#size }, (_, i) => (this.#start + i) % Math.max(1, this.#rows));
    const typed = <T extends Float64Array | Uint16Array | Uint8Array>(old: T, make: new (n: number) => T): T => {
      const next = new make(rows);
      order.forEach((from, to) => (next[to] = old[from]!));
      return next;
    };
    const plain = <T>(old: T[], empty: T): T[] => {
      const next = new Array<T>(rows).fill(empty);
      order.forEach((from, to) => (next[to] = old[from]!));
      return next;
    };
    this.#id = typed(this.#id, Float64Array);
    this.#timeMs = typed(this.#timeMs, Float64Array);
    this.#duration = typed(this.#duration, Float64Array);
    this.#bytes = typed(this.#bytes, Float64Array);
    this.#status = typed(this.#status, Uint16Array);
    this.#forced = typed(this.#forced, Uint8Array);
    this.#bodyTruncated = typed(this.#bodyTruncated, Uint8Array);
    this.#method = plain(this.#method, '');
    this.#path = plain(this.#path, '');
    this.#sessionId = plain(this.#sessionId, null);
    this.#fingerprint = plain(this.#fingerprint, null);
    this.#faultId = plain(this.#faultId, null);
    this.#contentType = plain(this.#contentType, null);
    this.#body = plain(this.#body, null);
    this.#rows = rows;
    this.#start = 0;
  }

  #intern(text: string): string {
    const known = this.#interned.get(text);
    if (known !== undefined) return known;
    if (this.#interned.size >= INTERNED_LIMIT) this.#interned.clear();
    this.#interned.set(text, text);
    return text;
  }
}
