import { fingerprintKey, hashKey } from '../domain/api-keys.js';
import type { AccountFixture, DownloadFixture, SessionFixture, SessionRuleFixture } from '../schemas/fixture-schema.js';
import type { Store, StoreWriter } from '../store/store.js';
import { downloadRow, toEpochMs } from './download-row.js';
import type { LoadCounts, LoadSummary } from './fixture-loader.js';
import type { FixturePlace, FoundProblem } from './fixture-problems.js';
import type { FixtureSource } from './fixture-source.js';
import { downloadIdOf, ruleIdOf, sessionIdOf } from './generated-ids.js';
import { resolveRule } from './rule-write.js';
import type { ValidatedSource } from './validate.js';

// Where an entry sits in its document, as problems name it.
const accountPathOf = (ai: number) => `accounts[${ai}]`;
const sessionPathOf = (ai: number, si: number) => `${accountPathOf(ai)}.sessions[${si}]`;
const downloadPathOf = (ai: number, si: number, di: number) => `${sessionPathOf(ai, si)}.downloads[${di}]`;

/** A key or session claimed earlier in this load: by which account, where, in which account entry. */
interface Claim {
  account: string;
  at: FixturePlace;
  /** Account entries are counted across the load: an account listed twice is two entries. */
  entry: number;
}

/** Where a session listing's downloads were given, for "also given to" problems. */
interface DownloadClaim {
  session: string;
  source: string;
  account: number;
  sessionIndex: number;
  downloads: readonly DownloadFixture[];
  firstPosition: number;
  /** Each id's first index in the listing; built on the first problem that needs it. */
  indexById?: Map<string, number>;
}

/** The index in its listing of the first download the claim gave this id. */
function claimIndex(claim: DownloadClaim, downloadId: string): number {
  if (!claim.indexById) {
    const indexById = new Map<string, number>();
    claim.downloads.forEach((d, i) => {
      const id = downloadIdOf(d, claim.session, claim.firstPosition + i);
      if (!indexById.has(id)) indexById.set(id, i);
    });
    claim.indexById = indexById;
  }
  return claim.indexById.get(downloadId) ?? -1;
}

/** Where the claim's listing first gave this id. */
const claimedPath = (claim: DownloadClaim, downloadId: string) =>
  downloadPathOf(claim.account, claim.sessionIndex, claimIndex(claim, downloadId));

/**
 * Why `what` cannot go to this account entry, or undefined when it can.
 * Claims of this load come first: the store already holds what it wrote.
 */
function ownerConflict(
  what: string,
  accountId: string,
  entry: number,
  claimed: Claim | undefined,
  storedOwner: string | undefined,
): { message: string; at?: FixturePlace } | undefined {
  if (claimed?.entry === entry) return { message: `${what} is listed twice in this account; first at`, at: claimed.at };
  if (claimed && claimed.account !== accountId) {
    return { message: `${what} is also given to account "${claimed.account}" at`, at: claimed.at };
  }
  if (storedOwner !== undefined && storedOwner !== accountId) {
    return { message: `${what} already belongs to account "${storedOwner}"` };
  }
  return undefined;
}

const noCounts = (): LoadCounts => ({ accounts: 0, api_keys: 0, sessions: 0, downloads: 0 });

/**
 * The write stage: validated documents into the store, inside the caller's
 * transaction, in one pass. Ownership is checked as the rows are written (a
 * key, session or download never moves to another owner), against this load's
 * earlier entries and the store; each problem is added to `problems` and its
 * entry skipped, so the pass finds them all and the caller rolls back.
 */
export class FixtureWrite {
  private readonly keyOwners = new Map<string, Claim>();
  private readonly sessionOwners = new Map<string, Claim>();
  // One entry per download row (the whole store when seeding a large one),
  // all of a session listing's rows sharing one record of where they were
  // given: the row's own index is found again only for a problem.
  private readonly downloadOwners = new Map<string, DownloadClaim>();
  private readonly seenAccounts = new Set<string>();
  // Positions for generated ids count across the whole load, so an account
  // (or session) listed twice does not give two entries the same id.
  private readonly sessionPositions = new Map<string, number>();
  private readonly downloadPositions = new Map<string, number>();
  private readonly rulePositions = new Map<string, number>();
  // By account and rule id: a rule given twice in one account entry is a problem; a later entry replaces it.
  private readonly ruleClaims = new Map<string, Claim>();
  private accountEntries = 0;
  /** The source being written, and its counts. */
  private source: FixtureSource | undefined;
  private counts = noCounts();

  constructor(
    private readonly store: Store,
    private readonly w: StoreWriter,
    private readonly now: number,
    private readonly problems: FoundProblem[],
  ) {}

  /** Writes the documents in order; the totals count distinct rows (an entry given twice is one row). */
  documents(validated: readonly ValidatedSource[]): LoadSummary {
    const sources: LoadSummary['sources'] = [];
    for (const { source, doc } of validated) {
      this.source = source;
      this.counts = noCounts();
      doc.accounts.forEach((account, ai) => this.account(account, ai));
      sources.push({ name: source.name, ...this.counts });
    }
    const totals: LoadCounts = {
      accounts: this.seenAccounts.size,
      api_keys: this.keyOwners.size,
      sessions: this.sessionOwners.size,
      downloads: this.downloadOwners.size,
    };
    return { sources, totals };
  }

  private problem(path: string, message: string, field?: string, at?: FixturePlace): void {
    this.problems.push({
      source: this.source!.name,
      path: field ? `${path}.${field}` : path,
      message,
      ...(at && { at }),
    });
  }

  private place(path: string): FixturePlace {
    return { source: this.source!.name, path };
  }

  private account(account: AccountFixture, ai: number): void {
    const entry = ++this.accountEntries;
    this.w.insertAccount(account.id, {
      credits: account.credits ?? null,
      session_limit_count: account.session_limit?.count ?? null,
      session_limit_seconds: account.session_limit?.per_seconds ?? null,
    });
    this.counts.accounts++;
    this.seenAccounts.add(account.id);
    (account.api_keys ?? []).forEach((key, ki) =>
      this.key(key, `${accountPathOf(ai)}.api_keys[${ki}]`, account.id, entry),
    );
    (account.sessions ?? []).forEach((session, si) => this.session(session, ai, si, account.id, entry));
    (account.session_rules ?? []).forEach((rule, ri) => this.rule(rule, ai, ri, account.id, entry));
  }

  private rule(rule: SessionRuleFixture, ai: number, ri: number, accountId: string, entry: number): void {
    const path = `${accountPathOf(ai)}.session_rules[${ri}]`;
    const ruleId = ruleIdOf(rule, accountId, this.nextPosition(this.rulePositions, accountId));
    const claimKey = JSON.stringify([accountId, ruleId]);
    const claimed = this.ruleClaims.get(claimKey);
    if (claimed?.entry === entry) {
      return this.problem(path, `rule "${ruleId}" is listed twice in this account; first at`, 'id', claimed.at);
    }
    this.ruleClaims.set(claimKey, { account: accountId, at: this.place(path), entry });
    const resolved = resolveRule(rule, ruleId, path, this.source!.baseDir);
    if (Array.isArray(resolved)) {
      for (const p of resolved) this.problem(p.path, p.problem, p.field);
      return;
    }
    this.w.rules.upsertRule(accountId, resolved);
  }

  private key(given: NonNullable<AccountFixture['api_keys']>[number], path: string, accountId: string, entry: number) {
    const key = typeof given === 'string' ? given : given.key;
    const limit = typeof given === 'string' ? undefined : given.rate_limit;
    const name = typeof given === 'string' ? null : (given.name ?? null);
    const keyHash = hashKey(key);
    const fingerprint = fingerprintKey(key, keyHash);
    const stored = this.store.findKey(keyHash)?.account_id;
    const conflict = ownerConflict(`key ${fingerprint}`, accountId, entry, this.keyOwners.get(keyHash), stored);
    if (conflict) return this.problem(path, conflict.message, undefined, conflict.at);
    this.keyOwners.set(keyHash, { account: accountId, at: this.place(path), entry });
    this.w.upsertKey({
      key_hash: keyHash,
      fingerprint,
      account_id: accountId,
      rate_capacity: limit?.capacity ?? null,
      rate_refill_per_second: limit?.refill_per_second ?? null,
      name,
    });
    this.counts.api_keys++;
  }

  private nextPosition(positions: Map<string, number>, owner: string): number {
    const n = positions.get(owner) ?? 0;
    positions.set(owner, n + 1);
    return n;
  }

  private session(session: SessionFixture, ai: number, si: number, accountId: string, entry: number): void {
    const path = sessionPathOf(ai, si);
    const sessionId = sessionIdOf(session, accountId, this.nextPosition(this.sessionPositions, accountId));
    const stored = this.store.findSession(sessionId)?.account_id;
    const claimed = this.sessionOwners.get(sessionId);
    const conflict = ownerConflict(`session "${sessionId}"`, accountId, entry, claimed, stored);
    if (conflict) return this.problem(path, conflict.message, 'id', conflict.at);
    this.sessionOwners.set(sessionId, { account: accountId, at: this.place(path), entry });
    const created_at = toEpochMs(session.created_at);
    this.w.upsertSession({
      id: sessionId,
      account_id: accountId,
      created_at,
      default_created_at: this.now,
      status: session.status ?? 'completed',
      tags: JSON.stringify(session.tags ?? []),
    });
    this.counts.sessions++;

    const downloads = session.downloads ?? [];
    const firstPosition = this.downloadPositions.get(sessionId) ?? 0;
    this.downloadPositions.set(sessionId, firstPosition + downloads.length);
    const claim: DownloadClaim = {
      session: sessionId,
      source: this.source!.name,
      account: ai,
      sessionIndex: si,
      downloads,
      firstPosition,
    };
    for (let di = 0; di < downloads.length; di++) this.download(claim, di);
  }

  /** The listing's download at index `di`: claimed for its session, then written. */
  private download(claim: DownloadClaim, di: number): void {
    const { session: sessionId, downloads } = claim;
    const download = downloads[di]!;
    const downloadId = downloadIdOf(download, sessionId, claim.firstPosition + di);
    const claimedBy = this.downloadOwners.get(downloadId);
    if (claimedBy && claimedBy.session !== sessionId) {
      const at = { source: claimedBy.source, path: claimedPath(claimedBy, downloadId) };
      const message = `download "${downloadId}" is also given to session "${claimedBy.session}" at`;
      return this.downloadProblem(claim, di, message, 'id', at);
    }
    // Given earlier in this listing: the claim is this listing's own, or
    // (a session listed again) the listing's first index is an earlier one.
    if (claimedBy === claim || (claimedBy && claimIndex(claim, downloadId) < di)) {
      const at = this.place(claimedPath(claim, downloadId));
      return this.downloadProblem(
        claim,
        di,
        `download "${downloadId}" is listed twice in this session; first at`,
        'id',
        at,
      );
    }
    // The first listing to give an id keeps it, for the problem message.
    if (!claimedBy) this.downloadOwners.set(downloadId, claim);

    // Generated times keep the listed order: one millisecond apart, the last at load time.
    const defaultCreatedAt = this.now - (downloads.length - 1 - di);
    const row = downloadRow(download, downloadId, sessionId, this.source!.baseDir, defaultCreatedAt);
    if ('problem' in row) return this.downloadProblem(claim, di, row.problem, row.field);
    if (!this.w.upsertDownload(row)) {
      const owner = this.store.downloadSessionId(downloadId);
      return this.downloadProblem(claim, di, `download "${downloadId}" already belongs to session "${owner}"`, 'id');
    }
    this.counts.downloads++;
  }

  /** A problem of the listing's download at index `di`: its path is written only then. */
  private downloadProblem(claim: DownloadClaim, di: number, message: string, field?: string, at?: FixturePlace) {
    this.problem(downloadPathOf(claim.account, claim.sessionIndex, di), message, field, at);
  }
}
