import t from 'tap';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { startServer } from '../../src/server.js';
import { listUrl } from '../helpers/app.js';
import { contractProblems } from '../helpers/contract.js';
import { mulberry32, picker, robustnessSeed } from './seeded-random.js';

// Fixture loads and resets while List Session Downloads is under load: no
// answer is a 5xx or an error, no reader ever sees a half-loaded session, and
// no write is lost.
//
// Version k of the fixture gives session S the downloads v0-*..vk-* (ten per
// version, cumulative), and the start-up fixtures are version 0. Loading
// merges and never deletes, and a reset goes back to version 0, so every
// committed state is "versions 0..m, complete" for some m: a count of
// 10*(m+1) and exactly those ids, in that order. Anything else was caught
// half-way.

const SEED = robustnessSeed(0xc0c0_2026);
const draw = picker(mulberry32(SEED));
const S = 'sess-under-load';
const KEY = 'ak_concurrency_main';
const READERS = 50;
const HAMMER_MS = 3000;
/** The final load, after the hammering: every id up to this version must be listed. */
const FINAL_VERSION = 20;
/** The writer takes at least this many steps (load or reset), even past HAMMER_MS on a slow machine… */
const MIN_WRITER_STEPS = 16;
/** …but every loop stops here, whatever happens. */
const HARD_STOP_MS = 20_000;
const MAX_READS_PER_READER = 20_000;
const MAX_WRITER_STEPS = 5_000;
const T0 = Date.parse('2025-06-01T00:00:00.000Z');

const idOf = (v: number, i: number) => `v${v}-${i}`;

function version(k: number): FixtureDocument {
  const downloads = [];
  for (let v = 0; v <= k; v++) {
    for (let i = 0; i < 10; i++) {
      downloads.push({
        id: idOf(v, i),
        original_download_url: `https://example.com/v${v}/${i}.txt`,
        origin_url: 'https://example.com/',
        original_file_name: `v${v}-${i}.txt`,
        created_at: new Date(T0 + v * 10 + i).toISOString(),
        size: v * 10 + i,
      });
    }
  }
  return {
    accounts: [
      { id: 'load', api_keys: [KEY], sessions: [{ id: S, created_at: '2025-06-01T00:00:00.000Z', downloads }] },
    ],
  };
}

/** The ids of the complete state "versions 0..m", in list order. */
const completeIds = (m: number) => Array.from({ length: (m + 1) * 10 }, (_, n) => idOf(Math.floor(n / 10), n % 10));

/** m if `body` is the complete state "versions 0..m", else what is wrong with it. */
function versionOf(body: { data?: { count?: number; items?: Array<{ id: string; size: number }> } }): number | string {
  const items = body.data?.items ?? [];
  if (items.length === 0 || items.length % 10 !== 0) return `count ${items.length} is not a positive multiple of 10`;
  const m = items.length / 10 - 1;
  const ids = items.map((item) => item.id);
  if (JSON.stringify(ids) !== JSON.stringify(completeIds(m)))
    return `ids are not versions 0..${m}: ${ids.join(',').slice(0, 300)}`;
  const badSize = items.findIndex((item, n) => item.size !== n);
  if (badSize !== -1) return `item ${badSize} has size ${items[badSize]!.size}`;
  return m;
}

t.test(
  `${READERS} readers hammer a session for ${HAMMER_MS} ms while fixtures load and reset (seed ${SEED})`,
  async (t) => {
    const server = await startServer({
      host: '127.0.0.1',
      port: 0,
      db: ':memory:',
      fixtures: [{ name: 'version 0', document: version(0) }],
      rateLimit: false,
      signedUrlTtlSeconds: 3600,
    });
    t.teardown(() => server.app.close());
    const url = server.url;
    const failures: string[] = [];
    const fail = (what: string) => {
      if (failures.length < 1000) failures.push(what);
    };

    const verdicts = new Map<string, number | string>();
    /** The version a 200 body shows, or what is wrong with it. */
    const judge = (text: string): number | string => {
      let body: Parameters<typeof versionOf>[0];
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return `body is not JSON: ${text.slice(0, 300)}`;
      }
      const problems = contractProblems(200, body);
      if (problems.length > 0) return `contract: ${problems.slice(0, 3).join('; ')}`;
      const m = versionOf(body);
      return typeof m === 'string' ? `half-loaded session: ${m}` : m;
    };

    /** GETs S's list; returns the version it shows, or records why it is not a valid answer. */
    const readList = async (who: string): Promise<number | undefined> => {
      let res: Response;
      try {
        res = await fetch(url + listUrl(S), { headers: { 'anchor-api-key': KEY } });
      } catch (err) {
        fail(`${who}: request failed: ${(err as Error).message}`);
        return undefined;
      }
      const text = await res.text();
      if (res.status !== 200) {
        fail(`${who}: status ${res.status}: ${text.slice(0, 300)}`);
        return undefined;
      }
      if (res.headers.get('content-type') !== 'application/json; charset=utf-8')
        fail(`${who}: content-type ${res.headers.get('content-type')}`);
      // The same bytes get the same verdict: each distinct body is checked once.
      let verdict = verdicts.get(text);
      if (verdict === undefined) {
        verdict = judge(text);
        verdicts.set(text, verdict);
      }
      if (typeof verdict === 'string') {
        fail(`${who}: ${verdict}`);
        return undefined;
      }
      return verdict;
    };

    const admin = async (method: string, path: string, body?: unknown) => {
      try {
        const res = await fetch(`${url}/_mock${path}`, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, text };
      } catch (err) {
        return { status: 0, text: (err as Error).message };
      }
    };

    const seen = new Map<number, number>();
    let reads = 0;
    let writes = 0;
    let resets = 0;
    const until = Date.now() + HAMMER_MS;
    const hardStop = Date.now() + HARD_STOP_MS;
    let writerDone = false;

    const reader = async (r: number) => {
      for (let n = 0; n < MAX_READS_PER_READER && !writerDone && Date.now() < hardStop; n++) {
        const m = await readList(`reader ${r}`);
        reads++;
        if (m !== undefined) seen.set(m, (seen.get(m) ?? 0) + 1);
      }
    };

    // The writer reads its own writes: with no other writer, the list right
    // after a load of version k shows exactly 0..k, and after a reset exactly 0.
    // It resets on reaching a seeded target version, then draws the next.
    const writer = async () => {
      let k = 0;
      let target = draw.int(2, 8);
      for (
        let n = 0;
        n < MAX_WRITER_STEPS && (Date.now() < until || n < MIN_WRITER_STEPS) && Date.now() < hardStop;
        n++
      ) {
        if (k === target) {
          target = draw.int(2, 8);
          const res = await admin('POST', '/reset');
          resets++;
          if (res.status !== 200) fail(`writer: POST /_mock/reset answered ${res.status}: ${res.text.slice(0, 300)}`);
          k = 0;
        } else {
          k++;
          const res = await admin('POST', '/fixtures', version(k));
          writes++;
          if (res.status !== 201)
            fail(`writer: loading version ${k} answered ${res.status}: ${res.text.slice(0, 300)}`);
        }
        const m = await readList(`writer after ${k === 0 ? 'reset' : `version ${k}`}`);
        if (m !== undefined && m !== k) fail(`writer: wrote version ${k} but then read version ${m}: a write was lost`);
      }
      writerDone = true;
    };

    await Promise.all([writer(), ...Array.from({ length: READERS }, (_, r) => reader(r))]);

    // The last write is visible.
    const last = await admin('POST', '/fixtures', version(FINAL_VERSION));
    t.equal(last.status, 201, 'the final load answers 201');
    t.equal(
      await readList('after the final load'),
      FINAL_VERSION,
      `after the final load the list has all ${(FINAL_VERSION + 1) * 10} ids`,
    );

    const versions = [...seen.keys()].sort((a, b) => a - b);
    t.comment(
      `${reads} list reads, ${writes} loads, ${resets} resets; versions seen by readers: ${versions.join(',')}`,
    );
    t.ok(reads >= READERS, 'the readers got answers');
    t.ok(writes > 0 && resets > 0, 'loads and resets both happened during the hammering');
    t.ok(versions.length > 1, 'readers saw more than one version');
    t.same(
      failures.slice(0, 20),
      [],
      `every answer was a 200 with a complete version; ${failures.length} failures (seed ${SEED})`,
    );
  },
);
