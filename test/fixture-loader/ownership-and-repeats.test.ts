import t from 'tap';
import { fingerprintKey, hashKey } from '../../src/domain/api-keys.js';
import { loadFixtures } from '../../src/fixture-loader/fixture-loader.js';
import {
  dl,
  downloadPath,
  errorOf,
  load,
  oneSession,
  openStore,
  problemsOf,
  SECRET,
  snapshot,
  T0,
} from './documents-and-store.js';

// A key belongs to one account, a session id to one account, a download id to
// one session: a clash with what is loaded, or within one load, is refused
// naming both places, and a key only by its fingerprint. So is an id or key
// listed twice in one list.

t.test('a key that belongs to another account is refused, naming it by fingerprint only', async (t) => {
  const store = openStore(t);
  load(store, { accounts: [{ id: 'acme', api_keys: [SECRET] }] });
  const before = snapshot(store);
  const globex = { accounts: [{ id: 'globex', api_keys: ['ak_globex_1', SECRET] }] };
  const err = errorOf(t, () => load(store, globex, T0, 'globex.yaml'));
  t.match(err.problems, [{ source: 'globex.yaml', path: 'accounts[0].api_keys[1]', message: /acme/ }]);
  t.match(err.problems[0]!.message, fingerprintKey(SECRET));
  t.notMatch(err.message, SECRET, 'the error message does not contain the key');
  t.notMatch(JSON.stringify(err.problems), SECRET);
  t.same(snapshot(store), before, 'nothing changed: globex and its other key were not added');
  t.equal(store.findKey(hashKey(SECRET))!.account_id, 'acme');
});

t.test('a key given to two accounts in one load is refused without revealing it', async (t) => {
  const store = openStore(t);
  const sameDoc = problemsOf(t, () =>
    load(store, {
      accounts: [
        { id: 'acme', api_keys: [SECRET] },
        { id: 'globex', api_keys: [SECRET] },
      ],
    }),
  );
  t.match(sameDoc, [{ source: 'x.yaml', path: 'accounts[1].api_keys[0]', message: /acme/ }]);
  t.notMatch(JSON.stringify(sameDoc), SECRET);

  const err = errorOf(t, () =>
    loadFixtures(
      store,
      [
        { name: 'acme.yaml', document: { accounts: [{ id: 'acme', api_keys: [SECRET] }] } },
        { name: 'globex.yaml', document: { accounts: [{ id: 'globex', api_keys: [{ key: SECRET }] }] } },
      ],
      { now: T0 },
    ),
  );
  t.match(err.problems, [{ source: 'globex.yaml', path: 'accounts[0].api_keys[0]', message: fingerprintKey(SECRET) }]);
  t.notMatch(err.message, SECRET);
  t.same(store.counts(), [], 'nothing was loaded');
});

t.test('the same key listed twice for one account is fine', async (t) => {
  const store = openStore(t);
  load(store, {
    accounts: [
      { id: 'acme', api_keys: [SECRET] },
      { id: 'acme', api_keys: [SECRET] },
    ],
  });
  t.equal(store.findKey(hashKey(SECRET))!.account_id, 'acme');
});

t.test('a session id that belongs to another account is refused, naming the account that holds it', async (t) => {
  const store = openStore(t);
  load(store, { accounts: [{ id: 'acme', sessions: [{ id: 'shared' }] }] });
  t.same(
    problemsOf(t, () => load(store, { accounts: [{ id: 'globex', sessions: [{ id: 'shared' }] }] })),
    [
      {
        source: 'x.yaml',
        path: 'accounts[0].sessions[0].id',
        message: 'session "shared" already belongs to account "acme"',
      },
    ],
  );
  t.equal(store.findSession('shared')!.account_id, 'acme');

  const fresh = openStore(t);
  t.same(
    problemsOf(t, () =>
      load(fresh, {
        accounts: [
          { id: 'acme', sessions: [{ id: 'x' }, { id: 'shared' }] },
          { id: 'globex', sessions: [{ id: 'shared' }] },
        ],
      }),
    ),
    [
      {
        source: 'x.yaml',
        path: 'accounts[1].sessions[0].id',
        message: 'session "shared" is also given to account "acme" at x.yaml: accounts[0].sessions[1]',
      },
    ],
    'also within one load, where it was first given named',
  );
  t.same(fresh.counts(), []);
});

t.test('a download id that belongs to another session is refused', async (t) => {
  const store = openStore(t);
  load(store, oneSession([dl({ id: 'd1' })], { session: 's1' }));
  t.match(
    problemsOf(t, () => load(store, oneSession([dl({ id: 'd1' })], { session: 's2' }))),
    [{ source: 'x.yaml', path: `${downloadPath(0)}.id`, message: 'download "d1" already belongs to session "s1"' }],
  );
  t.same(
    store.listDownloads('s1').map((d) => d.id),
    ['d1'],
    'd1 is still listed in s1',
  );
  t.equal(store.findSession('s2'), undefined, 'the new session was not added either');

  const fresh = openStore(t);
  t.match(
    problemsOf(t, () =>
      load(fresh, {
        accounts: [
          {
            id: 'acme',
            sessions: [
              { id: 's1', downloads: [dl({ id: 'd1' })] },
              { id: 's2', downloads: [dl(), dl({ id: 'd1' })] },
            ],
          },
        ],
      }),
    ),
    [{ path: 'accounts[0].sessions[1].downloads[1].id', message: /"d1"/ }],
    'also within one load',
  );
  t.same(fresh.counts(), []);
});

t.test('a download id given to two sessions in one load names where it was given first', async (t) => {
  const store = openStore(t);
  const explicit = problemsOf(t, () =>
    loadFixtures(
      store,
      [
        {
          name: 'a.yaml',
          document: {
            accounts: [{ id: 'acme', sessions: [{ id: 's1', downloads: [dl(), dl(), dl({ id: 'd1' }), dl()] }] }],
          },
        },
        {
          name: 'b.yaml',
          document: { accounts: [{ id: 'acme', sessions: [{ id: 's2', downloads: [dl({ id: 'd1' })] }] }] },
        },
      ],
      { now: T0 },
    ),
  );
  t.same(explicit, [
    {
      source: 'b.yaml',
      path: 'accounts[0].sessions[0].downloads[0].id',
      message: 'download "d1" is also given to session "s1" at a.yaml: accounts[0].sessions[0].downloads[2]',
    },
  ]);

  // A generated id, taken by a later entry of another session: found again
  // from the session and its position, the account's second listing counting on.
  const firstListing = { id: 'acme', sessions: [{ id: 's1', downloads: [dl(), dl()] }] };
  const fourth = dl({ original_file_name: 'fourth.pdf' });
  const alone = openStore(t);
  load(alone, { accounts: [firstListing, { id: 'acme', sessions: [{ id: 's1', downloads: [dl(), fourth] }] }] });
  const taken = alone.listDownloads('s1').find((d) => d.original_file_name === 'fourth.pdf')!.id;
  const generated = problemsOf(t, () =>
    load(store, {
      accounts: [
        firstListing,
        {
          id: 'acme',
          sessions: [
            { id: 's1', downloads: [dl(), fourth] },
            { id: 's2', downloads: [dl({ id: taken })] },
          ],
        },
      ],
    }),
  );
  t.same(generated, [
    {
      source: 'x.yaml',
      path: 'accounts[1].sessions[1].downloads[0].id',
      message: `download "${taken}" is also given to session "s1" at x.yaml: accounts[1].sessions[0].downloads[1]`,
    },
  ]);
  t.same(store.counts(), [], 'nothing was loaded');
});

t.test('the first listing to give a download id is the one a clash names', async (t) => {
  const store = openStore(t);
  // s1 listed twice, giving d1 both times; then s2 gives d1 too.
  const listedTwice = problemsOf(t, () =>
    load(store, {
      accounts: [
        { id: 'acme', sessions: [{ id: 's1', downloads: [dl({ id: 'd1' })] }] },
        {
          id: 'acme',
          sessions: [
            { id: 's1', downloads: [dl(), dl({ id: 'd1' })] },
            { id: 's2', downloads: [dl({ id: 'd1' })] },
          ],
        },
      ],
    }),
  );
  t.same(
    listedTwice.map((p) => p.message),
    ['download "d1" is also given to session "s1" at x.yaml: accounts[0].sessions[0].downloads[0]'],
  );

  // The clash names the index in that listing which gave the id.
  const clashes = problemsOf(t, () =>
    load(store, {
      accounts: [
        { id: 'acme', sessions: [{ id: 's1', downloads: [dl({ id: 'd0' }), dl(), dl({ id: 'd1' })] }] },
        { id: 'acme', sessions: [{ id: 's2', downloads: [dl({ id: 'd1' })] }] },
      ],
    }),
  );
  t.same(
    clashes.map((p) => [p.path, p.message]),
    [
      [
        'accounts[1].sessions[0].downloads[0].id',
        'download "d1" is also given to session "s1" at x.yaml: accounts[0].sessions[0].downloads[2]',
      ],
    ],
  );
});

// ---------------------------------------------------------------- the same entry twice in one list

t.test('a download id twice in one session listing is an error naming both places', async (t) => {
  const store = openStore(t);
  t.same(
    problemsOf(t, () =>
      load(store, oneSession([dl({ id: 'd1' }), dl(), dl({ id: 'd1', size: 99 })], { session: 's1' })),
    ),
    [
      {
        source: 'x.yaml',
        path: 'accounts[0].sessions[0].downloads[2].id',
        message: 'download "d1" is listed twice in this session; first at x.yaml: accounts[0].sessions[0].downloads[0]',
      },
    ],
  );
  // The session listed again (which merges), giving d1 twice in its second listing.
  t.same(
    problemsOf(t, () =>
      load(store, {
        accounts: [
          { id: 'acme', sessions: [{ id: 's1', downloads: [dl({ id: 'd1' })] }] },
          { id: 'acme', sessions: [{ id: 's1', downloads: [dl(), dl({ id: 'd1' }), dl({ id: 'd1' })] }] },
        ],
      }),
    ).map((p) => [p.path, p.message]),
    [
      [
        'accounts[1].sessions[0].downloads[2].id',
        'download "d1" is listed twice in this session; first at x.yaml: accounts[1].sessions[0].downloads[1]',
      ],
    ],
  );
  t.same(store.counts(), [], 'nothing was loaded');
});

t.test('a session id twice in one account entry is an error naming both places', async (t) => {
  const store = openStore(t);
  const sessions = [{ id: 's1' }, { id: 's2' }, { id: 's1', downloads: [dl()] }];
  t.same(
    problemsOf(t, () => load(store, { accounts: [{ id: 'acme', sessions }] })),
    [
      {
        source: 'x.yaml',
        path: 'accounts[0].sessions[2].id',
        message: 'session "s1" is listed twice in this account; first at x.yaml: accounts[0].sessions[0]',
      },
    ],
  );
  t.same(store.counts(), [], 'nothing was loaded');
});

t.test('a key twice in one account entry is an error naming both places, the key by fingerprint only', async (t) => {
  const store = openStore(t);
  const keys = [SECRET, 'ak_acme_other', { key: SECRET, rate_limit: { capacity: 1, refill_per_second: 1 } }];
  const problems = problemsOf(t, () => load(store, { accounts: [{ id: 'acme', api_keys: keys }] }));
  t.same(problems, [
    {
      source: 'x.yaml',
      path: 'accounts[0].api_keys[2]',
      message:
        `key ${fingerprintKey(SECRET)} is listed twice in this account; ` + 'first at x.yaml: accounts[0].api_keys[0]',
    },
  ]);
  t.notMatch(JSON.stringify(problems), SECRET);
  t.same(store.counts(), [], 'nothing was loaded');
});
