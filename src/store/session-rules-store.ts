import type Database from 'better-sqlite3';
import { preparer } from './lazy-statements.js';

/** What a rule asks of a session; an absent condition holds for every session. */
export interface RuleCondition {
  tags?: string[];
  url?: string;
}

/** One download a rule gives, resolved at load time (bytes read, defaults filled in). */
export interface RuleDownloadRow {
  original_download_url: string;
  origin_url: string;
  suggested_file_name: string;
  original_file_name: string;
  duration: number;
  size: number;
  content_type: string;
  content: Buffer | null;
  after_ms: number;
}

export interface StoredRule {
  id: string;
  when: RuleCondition;
  downloads: RuleDownloadRow[];
}

interface RuleRecord {
  id: string;
  when_tags: string | null;
  when_url: string | null;
}

type RuleDownloadRecord = RuleDownloadRow & { rule_id: string; item: number };

/** The writes on rules; only through `Store.write`, inside its transaction. */
export interface SessionRuleWriter {
  /** Inserts the rule or replaces its condition and downloads. */
  upsertRule(accountId: string, rule: StoredRule): void;
  /** Records that the rule gave the session its downloads. */
  markFired(sessionId: string, ruleId: string): void;
}

/** The statements behind session rules, prepared on first use. */
export class SessionRuleStore {
  readonly writer: SessionRuleWriter;
  readonly #rulesOf;
  readonly #downloadsOf;
  readonly #firedOf;

  constructor(db: Database.Database) {
    const prepare = preparer(db);
    // rowid order: the order in which rules were first loaded.
    this.#rulesOf = prepare<[string], RuleRecord>(
      'SELECT id, when_tags, when_url FROM session_rules WHERE account_id = ? ORDER BY rowid',
    );
    this.#downloadsOf = prepare<[string], RuleDownloadRecord>(
      `SELECT rule_id, item, original_download_url, origin_url, suggested_file_name, original_file_name,
              duration, size, content_type, content, after_ms
         FROM session_rule_downloads WHERE account_id = ? ORDER BY rule_id, item`,
    );
    this.#firedOf = prepare<[string], { rule_id: string }>(
      'SELECT rule_id FROM session_rule_firings WHERE session_id = ?',
    );
    const upsert = prepare<[string, string, string | null, string | null]>(
      `INSERT INTO session_rules (account_id, id, when_tags, when_url) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id, id) DO UPDATE SET when_tags = excluded.when_tags, when_url = excluded.when_url`,
    );
    const clearDownloads = prepare<[string, string]>(
      'DELETE FROM session_rule_downloads WHERE account_id = ? AND rule_id = ?',
    );
    const insertDownload = prepare<RuleDownloadRecord & { account_id: string }>(
      `INSERT INTO session_rule_downloads (account_id, rule_id, item, original_download_url, origin_url,
                                           suggested_file_name, original_file_name, duration, size,
                                           content_type, content, after_ms)
       VALUES (@account_id, @rule_id, @item, @original_download_url, @origin_url, @suggested_file_name,
               @original_file_name, @duration, @size, @content_type, @content, @after_ms)`,
    );
    const fire = prepare<[string, string]>(
      'INSERT INTO session_rule_firings (session_id, rule_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
    );
    this.writer = {
      upsertRule: (accountId, rule) => {
        upsert.run(accountId, rule.id, rule.when.tags ? JSON.stringify(rule.when.tags) : null, rule.when.url ?? null);
        clearDownloads.run(accountId, rule.id);
        rule.downloads.forEach((d, item) =>
          insertDownload.run({ ...d, account_id: accountId, rule_id: rule.id, item }),
        );
      },
      markFired: (sessionId, ruleId) => void fire.run(sessionId, ruleId),
    };
  }

  /** The account's rules, in the order they were first loaded. */
  rulesOf(accountId: string): StoredRule[] {
    const records = this.#rulesOf.all(accountId);
    if (records.length === 0) return [];
    const rules = new Map<string, StoredRule>();
    for (const r of records) {
      const when: RuleCondition = {};
      if (r.when_tags !== null) when.tags = JSON.parse(r.when_tags) as string[];
      if (r.when_url !== null) when.url = r.when_url;
      rules.set(r.id, { id: r.id, when, downloads: [] });
    }
    for (const { rule_id, item: _item, ...download } of this.#downloadsOf.all(accountId)) {
      rules.get(rule_id)?.downloads.push(download);
    }
    return [...rules.values()];
  }

  /** The ids of the rules that have already given this session their downloads. */
  firedRules(sessionId: string): Set<string> {
    return new Set(this.#firedOf.all(sessionId).map((r) => r.rule_id));
  }
}
