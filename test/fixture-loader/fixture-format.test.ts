import t from 'tap';
import { hashKey } from '../../src/domain/api-keys.js';
import type { DownloadFixture } from '../../src/schemas/fixture-schema.js';
import { dl, downloadPath, load, oneSession, openStore, problemsOf, snapshot } from './documents-and-store.js';

// The document's shape: which fields a fixture takes, what values they accept,
// and the problem each mistake gives, at its own path. Each test starts from
// one valid download (dl) and breaks what it is about.

t.test('an unknown field is an error at its own path', async (t) => {
  const store = openStore(t);
  const problems = problemsOf(t, () =>
    load(store, {
      accounts: [
        { id: 'acme', sesions: [] },
        { id: 'globex', sessions: [{ downloads: [dl({ contnet: { text: 'x' } })] }] },
        {
          id: 'initech',
          api_keys: [{ key: 'ak_initech_1', rate_limit: { capacity: 1, refill_per_second: 1, burst: 3 } }],
        },
      ],
      acounts: [],
    }),
  );
  t.same(
    problems
      .filter((p) => p.message.startsWith('unknown field'))
      .map((p) => [p.path, p.message])
      .sort(),
    [
      [
        'accounts[0].sesions',
        'unknown field sesions; allowed: id, api_keys, sessions, credits, session_limit, session_rules',
      ],
      [
        'accounts[1].sessions[0].downloads[0].contnet',
        'unknown field contnet; allowed: id, original_download_url, origin_url, original_file_name, ' +
          'suggested_file_name, duration, created_at, content_type, content, size',
      ],
      ['accounts[2].api_keys[0].rate_limit.burst', 'unknown field burst; allowed: capacity, refill_per_second'],
      ['acounts', 'unknown field acounts; allowed: accounts'],
    ],
  );
  t.ok(problems.every((p) => p.source === 'x.yaml'));
});

t.test('a typo inside content names the unknown field and the ones allowed there', async (t) => {
  const store = openStore(t);
  const problems = problemsOf(t, () =>
    load(
      store,
      oneSession([
        dl({ content: { txt: 'hello' }, size: undefined }),
        dl({ content: { text: 'a', base_64: 'YQ==' }, size: undefined }),
      ]),
    ),
  );
  t.same(problems, [
    {
      source: 'x.yaml',
      path: `${downloadPath(0)}.content.txt`,
      message: 'unknown field txt; allowed: text, base64, file',
    },
    {
      source: 'x.yaml',
      path: `${downloadPath(1)}.content.base_64`,
      message: 'unknown field base_64; allowed: text, base64, file',
    },
  ]);
  t.match(
    problemsOf(t, () =>
      load(store, { accounts: [{ id: 'acme', api_keys: [{ key: 'ak_acme_main', ratelimit: {} }] }] }),
    ),
    [{ path: 'accounts[0].api_keys[0].ratelimit', message: 'unknown field ratelimit; allowed: key, rate_limit' }],
    'the same in an api_keys entry',
  );
});

t.test('a missing required field is reported as required', async (t) => {
  const store = openStore(t);
  const noFileName = dl();
  delete (noFileName as Partial<DownloadFixture>).original_file_name;
  const problems = problemsOf(t, () =>
    load(store, {
      accounts: [
        { id: 'acme', sessions: [{ downloads: [noFileName, { original_file_name: 'a.txt', size: 1 }] }] },
        { api_keys: [] },
      ],
    }),
  );
  t.same(problems, [
    { source: 'x.yaml', path: 'accounts[0].sessions[0].downloads[0].original_file_name', message: 'is required' },
    { source: 'x.yaml', path: 'accounts[0].sessions[0].downloads[1].original_download_url', message: 'is required' },
    { source: 'x.yaml', path: 'accounts[0].sessions[0].downloads[1].origin_url', message: 'is required' },
    { source: 'x.yaml', path: 'accounts[1].id', message: 'is required' },
  ]);
  t.same(
    problemsOf(t, () => load(store, {})),
    [{ source: 'x.yaml', path: 'accounts', message: 'is required' }],
  );
});

t.test('a field of the wrong type is reported as wrong, not as missing', async (t) => {
  const store = openStore(t);
  const problems = problemsOf(t, () =>
    load(store, {
      accounts: [{ id: 5 }, { id: 'acme', sessions: [{ downloads: [dl({ size: 1.5 }), dl({ duration: 'long' })] }] }],
    }),
  );
  t.same(
    problems.map((p) => p.path),
    ['accounts[0].id', `${downloadPath(0, 0, 1)}.size`, `${downloadPath(1, 0, 1)}.duration`],
  );
  for (const p of problems) t.not(p.message, 'is required', `${p.path} is given, so it is not "required"`);
  const notAList = problemsOf(t, () => load(store, { accounts: { id: 'acme' } }));
  t.equal(notAList.length, 1);
  t.not(notAList[0]?.message, 'is required', 'accounts given as an object is not "missing"');
});

t.test('ids must be 1 to 256 characters without "/" or control characters', async (t) => {
  const store = openStore(t);
  const badIds: Array<[string, RegExp]> = [
    ['', /must not be empty/],
    ['x'.repeat(257), /at most 256/],
    ['a/b', /must not contain "\/"/],
    ['a\nb', /control characters/],
    ['a\u0000b', /control characters/],
    ['a\tb', /control characters/],
    ['a\u007fb', /control characters/],
  ];
  for (const [id, message] of badIds) {
    const label = JSON.stringify(id.length > 20 ? `${id.slice(0, 5)}…(${id.length})` : id);
    t.match(
      problemsOf(t, () => load(store, { accounts: [{ id }] })),
      [{ path: 'accounts[0].id', message }],
      `account ${label}`,
    );
    t.match(
      problemsOf(t, () => load(store, { accounts: [{ id: 'acme', sessions: [{ id }] }] })),
      [{ path: 'accounts[0].sessions[0].id', message }],
      `session ${label}`,
    );
    t.match(
      problemsOf(t, () => load(store, oneSession([dl({ id })]))),
      [{ path: `${downloadPath(0)}.id`, message }],
      `download ${label}`,
    );
  }
  t.same(snapshot(store).accounts, [], 'nothing was loaded');

  load(store, {
    accounts: [{ id: 'a'.repeat(256), sessions: [{ id: 'b'.repeat(256), downloads: [dl({ id: 'c'.repeat(256) })] }] }],
  });
  load(store, {
    accounts: [
      { id: 'Zürich – 東京 (test) #1', sessions: [{ id: 'session with spaces', downloads: [dl({ id: 'dl.ü' })] }] },
    ],
  });
  t.equal(snapshot(store).downloads.length, 2, '256 characters and non-ASCII ids are fine');
});

t.test('an id with a C1 control character (U+0080–U+009F) is refused like any other control character', async (t) => {
  const store = openStore(t);
  t.match(
    problemsOf(t, () => load(store, { accounts: [{ id: 'acme\u0085' }] })),
    [{ path: 'accounts[0].id', message: /control characters/ }],
  );
  t.match(
    problemsOf(t, () => load(store, oneSession([dl({ id: 'dl\u009b1' })]))),
    [{ path: `${downloadPath(0)}.id`, message: /control characters/ }],
  );
});

t.test('api keys are 8 to 256 visible ASCII characters, spaces allowed between them', async (t) => {
  const store = openStore(t);
  const bad: Array<[string, RegExp]> = [
    ['ak_shrt', /at least 8/],
    ['k'.repeat(257), /at most 256/],
    ['ak_with\ttab', /visible ASCII characters, with spaces only between them/],
    ['ak_clé_secret', /visible ASCII characters/],
    ['ak_line\nbreak', /visible ASCII characters/],
    [' Your API Key', /must not begin or end with a space \(HTTP drops spaces around a header value\)/],
    ['Your API Key ', /must not begin or end with a space/],
  ];
  for (const [key, message] of bad) {
    const problems = problemsOf(t, () => load(store, { accounts: [{ id: 'acme', api_keys: [key, { key }] }] }));
    t.match(
      problems,
      [
        { path: 'accounts[0].api_keys[0]', message },
        { path: 'accounts[0].api_keys[1].key', message },
      ],
      JSON.stringify(key.slice(0, 20)),
    );
    t.equal(problems.length, 2, 'one problem each');
    for (const p of problems) t.notMatch(p.message, key, 'the problem does not repeat the key');
  }
  const good = ['12345678', '~'.repeat(256), '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', 'Your API Key', 'a  b  c  d'];
  load(store, { accounts: [{ id: 'acme', api_keys: good }] });
  t.equal(
    snapshot(store).api_keys.length,
    good.length,
    '8 and 256 characters, all ASCII punctuation and inner spaces are fine',
  );
  t.equal(store.findKey(hashKey('Your API Key'))?.account_id, 'acme');
});

t.test('a key is a string or {key, rate_limit}, and its rate limit is stored', async (t) => {
  const store = openStore(t);
  load(store, {
    accounts: [
      {
        id: 'acme',
        api_keys: [
          'ak_acme_main',
          { key: 'ak_acme_plain' },
          { key: 'ak_acme_throttled', rate_limit: { capacity: 2, refill_per_second: 0.5 } },
        ],
      },
    ],
  });
  t.match(store.findKey(hashKey('ak_acme_main')), {
    account_id: 'acme',
    rate_capacity: null,
    rate_refill_per_second: null,
  });
  t.match(store.findKey(hashKey('ak_acme_plain')), {
    account_id: 'acme',
    rate_capacity: null,
    rate_refill_per_second: null,
  });
  t.match(store.findKey(hashKey('ak_acme_throttled')), {
    account_id: 'acme',
    rate_capacity: 2,
    rate_refill_per_second: 0.5,
  });
});

t.test('rate_limit needs an integer capacity >= 1 and a refill_per_second > 0', async (t) => {
  const store = openStore(t);
  const keyWith = (rate_limit: unknown) => ({
    accounts: [{ id: 'acme', api_keys: [{ key: 'ak_acme_main', rate_limit }] }],
  });
  const at = 'accounts[0].api_keys[0].rate_limit';
  const cases: Array<[unknown, string, RegExp]> = [
    [{ capacity: 0, refill_per_second: 1 }, `${at}.capacity`, /integer >= 1/],
    [{ capacity: -3, refill_per_second: 1 }, `${at}.capacity`, /integer >= 1/],
    [{ capacity: 1.5, refill_per_second: 1 }, `${at}.capacity`, /integer/],
    [{ capacity: 1, refill_per_second: 0 }, `${at}.refill_per_second`, /> 0/],
    [{ capacity: 1, refill_per_second: -0.5 }, `${at}.refill_per_second`, /> 0/],
  ];
  for (const [limit, path, message] of cases) {
    t.match(
      problemsOf(t, () => load(store, keyWith(limit))),
      [{ path, message }],
      JSON.stringify(limit),
    );
  }
  t.match(
    problemsOf(t, () => load(store, keyWith({ refill_per_second: 1 }))),
    [{ path: `${at}.capacity`, message: 'is required' }],
  );
  load(store, keyWith({ capacity: 1, refill_per_second: 0.001 }));
  t.match(store.findKey(hashKey('ak_acme_main')), { rate_capacity: 1, rate_refill_per_second: 0.001 });
});

t.test('download URLs must be http(s)', async (t) => {
  const store = openStore(t);
  const problems = problemsOf(t, () =>
    load(
      store,
      oneSession([
        dl(),
        dl({ original_download_url: 'ftp://example.com/a.pdf' }),
        dl({ origin_url: 'not a url' }),
        dl({ original_download_url: 'javascript:alert(1)', origin_url: 'file:///etc/' }),
      ]),
    ),
  );
  t.same(problems, [
    { source: 'x.yaml', path: `${downloadPath(1)}.original_download_url`, message: 'must be an http(s) URL' },
    { source: 'x.yaml', path: `${downloadPath(2)}.origin_url`, message: 'must be an http(s) URL' },
    { source: 'x.yaml', path: `${downloadPath(3)}.original_download_url`, message: 'must be an http(s) URL' },
    { source: 'x.yaml', path: `${downloadPath(3)}.origin_url`, message: 'must be an http(s) URL' },
  ]);
});

t.test('created_at must be an ISO 8601 date-time', async (t) => {
  const store = openStore(t);
  const problems = problemsOf(t, () =>
    load(store, {
      accounts: [
        { id: 'acme', sessions: [{ created_at: 'yesterday', downloads: [dl({ created_at: '2025-01-18' })] }] },
      ],
    }),
  );
  t.match(problems, [
    { path: 'accounts[0].sessions[0].created_at', message: /ISO 8601/ },
    { path: `${downloadPath(0)}.created_at`, message: /ISO 8601/ },
  ]);
});
