import t from 'tap';
import { fingerprintKey } from '../../src/domain/api-keys.js';
import {
  formatProblem,
  loadFixtures,
  type FixtureProblem,
  type FixtureSource,
} from '../../src/fixture-loader/fixture-loader.js';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import {
  dl,
  errorOf,
  HOUR,
  load,
  oneSession,
  openStore,
  problemsOf,
  SECRET,
  snapshot,
  T0,
} from './documents-and-store.js';

// A load with any problem changes nothing and reports every problem of every
// source at once; a load without one says what each source added.

const goodWorld: FixtureDocument = {
  accounts: [
    {
      id: 'acme',
      api_keys: ['ak_acme_main'],
      sessions: [
        { id: 's1', downloads: [dl({ id: 'd1' }), dl({ id: 'd2', content: { text: 'two' }, size: undefined })] },
      ],
    },
  ],
};

t.test('one bad download among many good ones changes nothing', async (t) => {
  const store = openStore(t);
  load(store, goodWorld);
  const before = snapshot(store);
  const downloads: unknown[] = Array.from({ length: 20 }, (_, i) => dl({ id: `many-${i}` }));
  downloads[13] = dl({ id: 'many-13', size: undefined });
  const problems = problemsOf(t, () =>
    load(store, {
      accounts: [
        {
          id: 'acme',
          api_keys: ['ak_acme_second'],
          sessions: [
            { id: 's1', downloads: [dl({ id: 'd1', duration: 5 })] },
            { id: 's2', downloads },
          ],
        },
        { id: 'globex' },
      ],
    }),
  );
  t.same(problems, [
    { source: 'x.yaml', path: 'accounts[0].sessions[1].downloads[13]', message: 'needs content or size' },
  ]);
  t.same(snapshot(store), before, 'no row added, changed or removed');
});

t.test('a bad last source rolls back the valid sources before it', async (t) => {
  const store = openStore(t);
  load(store, goodWorld);
  const before = snapshot(store);
  const valid: FixtureSource[] = [
    {
      name: 'one.yaml',
      document: {
        accounts: [
          { id: 'globex', api_keys: ['ak_globex_1'], sessions: [{ id: 'g1', downloads: [dl({ id: 'g-d1' })] }] },
        ],
      },
    },
    { name: 'two.yaml', document: oneSession([dl({ id: 'd1', duration: 42 })], { session: 's1' }) },
  ];
  const semantic: FixtureSource = {
    name: 'three.yaml',
    document: oneSession([dl({ id: 'x', content: { text: 'abc' }, size: 2 })], { session: 's3' }),
  };
  const schema: FixtureSource = {
    name: 'three.yaml',
    document: oneSession([dl({ origin_url: 'nope' })], { session: 's3' }),
  };
  for (const bad of [semantic, schema]) {
    const problems = problemsOf(t, () => loadFixtures(store, [...valid, bad], { now: T0 + HOUR }));
    t.equal(problems.length, 1);
    t.equal(problems[0]!.source, 'three.yaml');
    t.same(snapshot(store), before, `nothing changed (${problems[0]!.path})`);
  }
});

t.test('every problem in every source is reported at once, each with source, path and what is wrong', async (t) => {
  const store = openStore(t);
  load(store, { accounts: [{ id: 'acme', api_keys: [SECRET] }] });
  const before = snapshot(store);
  const badUrlDoc = {
    accounts: [
      {
        id: 'acme',
        sessions: [
          { downloads: [dl()] },
          { downloads: [dl(), dl(), dl(), dl({ original_download_url: 'mailto:x@example.com' })] },
        ],
      },
    ],
  };
  const sources: FixtureSource[] = [
    { name: 'a.yaml', document: badUrlDoc },
    { name: 'b.yaml', document: goodWorld },
    {
      name: 'c.json',
      document: {
        accounts: [{ id: 'globex', api_keys: [SECRET], sessions: [{ downloads: [dl({ size: undefined })] }] }],
      },
    },
    { name: 'd.yml', document: { accounts: [{ id: 'initech', sesions: [] }] } },
  ];
  const err = errorOf(t, () => loadFixtures(store, sources, { now: T0 }));
  const expected: FixtureProblem[] = [
    {
      source: 'a.yaml',
      path: 'accounts[0].sessions[1].downloads[3].original_download_url',
      message: 'must be an http(s) URL',
    },
    {
      source: 'c.json',
      path: 'accounts[0].api_keys[0]',
      message: `key ${fingerprintKey(SECRET)} already belongs to account "acme"`,
    },
    { source: 'c.json', path: 'accounts[0].sessions[0].downloads[0]', message: 'needs content or size' },
    {
      source: 'd.yml',
      path: 'accounts[0].sesions',
      message: 'unknown field sesions; allowed: id, api_keys, sessions, credits, session_limit, session_rules',
    },
  ];
  const order = (ps: FixtureProblem[]) => ps.map(formatProblem).sort();
  t.same(order(err.problems), order(expected));
  for (const p of expected) t.match(err.message, formatProblem(p), `the message has ${p.source}: ${p.path}`);
  t.match(err.message, /4 problems/);
  t.notMatch(err.message, SECRET);
  t.same(snapshot(store), before, 'and nothing was loaded');
});

t.test('the summary counts what each source loaded', async (t) => {
  const store = openStore(t);
  const summary = loadFixtures(
    store,
    [
      { name: 'a.yaml', document: goodWorld },
      {
        name: 'b.yaml',
        document: {
          accounts: [
            { id: 'acme', sessions: [{ id: 's9' }] },
            { id: 'globex', api_keys: ['ak_globex_1'] },
          ],
        },
      },
    ],
    { now: T0 },
  );
  t.same(summary, {
    sources: [
      { name: 'a.yaml', accounts: 1, api_keys: 1, sessions: 1, downloads: 2 },
      { name: 'b.yaml', accounts: 2, api_keys: 1, sessions: 1, downloads: 0 },
    ],
    totals: { accounts: 2, api_keys: 2, sessions: 2, downloads: 2 },
  });
});
