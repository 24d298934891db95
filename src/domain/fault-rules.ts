import { fingerprintKey, hashKey } from './api-keys.js';
import type { FaultRuleInput, FaultRuleView } from '../schemas/admin-schemas.js';

export interface RequestFacts {
  method: string;
  path: string;
  sessionId: string | undefined;
  apiKey: string | undefined;
}

interface Rule {
  id: string;
  input: FaultRuleInput;
  pathPattern: RegExp | undefined;
  keyHash: string | undefined;
  remaining: number | null;
  hits: number;
}

/** A path pattern of a fault rule or a journal filter: `*` matches any run of characters. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

/**
 * Fault rules, tried in the order they were added; the first that matches
 * answers, and one with `times` expires after that many matches.
 */
export class FaultRules {
  #rules: Rule[] = [];
  #nextId = 1;

  add(input: FaultRuleInput): FaultRuleView {
    const rule: Rule = {
      id: `f${this.#nextId++}`,
      input,
      pathPattern: input.path === undefined ? undefined : globToRegExp(input.path),
      keyHash: input.api_key === undefined ? undefined : hashKey(input.api_key),
      remaining: input.times ?? null,
      hits: 0,
    };
    this.#rules.push(rule);
    return this.#view(rule);
  }

  /** The first matching rule, counted as used; undefined if none matches. */
  take(facts: RequestFacts): FaultRuleView | undefined {
    if (this.#rules.length === 0) return undefined; // the common case, kept cheap
    let keyHash: string | undefined;
    for (const rule of this.#rules) {
      const r = rule.input;
      if (r.method !== undefined && r.method !== facts.method) continue;
      if (rule.pathPattern && !rule.pathPattern.test(facts.path)) continue;
      if (r.session_id !== undefined && r.session_id !== facts.sessionId) continue;
      if (rule.keyHash !== undefined) {
        keyHash ??= facts.apiKey ? hashKey(facts.apiKey) : '';
        if (keyHash !== rule.keyHash) continue;
      }
      rule.hits++;
      if (rule.remaining !== null && --rule.remaining === 0) this.#rules = this.#rules.filter((x) => x !== rule);
      return this.#view(rule);
    }
    return undefined;
  }

  /** Rules still active. */
  get size(): number {
    return this.#rules.length;
  }

  list(): FaultRuleView[] {
    return this.#rules.map((r) => this.#view(r));
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((r) => r.id !== id);
    return this.#rules.length < before;
  }

  clear(): void {
    this.#rules = [];
  }

  #view(rule: Rule): FaultRuleView {
    const { api_key, ...rest } = rule.input;
    return {
      id: rule.id,
      ...rest,
      ...(api_key !== undefined ? { api_key_fingerprint: fingerprintKey(api_key, rule.keyHash) } : {}),
      remaining: rule.remaining,
      hits: rule.hits,
    };
  }
}
