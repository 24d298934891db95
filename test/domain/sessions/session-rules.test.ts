import t, { type Test } from 'tap';
import { loadFixtures } from '../../../src/fixture-loader/fixture-loader.js';
import { applySessionRules, globRegExp, ruleMatches, urlMatches } from '../../../src/domain/sessions/session-rules.js';
import { Store } from '../../../src/store/store.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

t.test('a URL glob matches the whole URL; * matches any run of characters, slashes included', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['https://portal.example.com/reports/*', 'https://portal.example.com/reports/q1.csv', true],
    ['https://portal.example.com/reports/*', 'https://portal.example.com/reports/2025/q1/x.csv', true],
    ['https://portal.example.com/reports/*', 'https://portal.example.com/reports/', true],
    ['https://portal.example.com/reports/*', 'https://portal.example.com/reports', false],
    ['https://portal.example.com/reports/*', 'http://portal.example.com/reports/a', false],
    // Anchored at both ends: a glob is not a substring search.
    ['https://a.example/x', 'https://a.example/x/y', false],
    ['https://a.example/x', 'see https://a.example/x', false],
    ['https://a.example/x', 'https://a.example/x', true],
    ['*', '', true],
    ['*', 'anything at all', true],
    ['**', 'ab', true],
    ['*.pdf', 'https://a.example/f.pdf', true],
    ['*.pdf', 'https://a.example/f.pdf?x=1', false],
    ['https://*.example.com/*', 'https://eu.portal.example.com/x', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    // Nothing but * is special: regex syntax and other glob syntax are literal.
    ['https://a.example/?q=1', 'https://a.example/?q=1', true],
    ['https://a.example/?q=1', 'https://a.example/xq=1', false],
    ['https://a.example/f.pdf', 'https://a.example/fxpdf', false],
    ['https://a.example/[ab].txt', 'https://a.example/[ab].txt', true],
    ['https://a.example/[ab].txt', 'https://a.example/a.txt', false],
    ['https://a.example/(x)+{2}|y$^\\', 'https://a.example/(x)+{2}|y$^\\', true],
    ['https://a.example/a+', 'https://a.example/aa', false],
    ['https://a.example/a?', 'https://a.example/a', false],
    // Case-sensitive, as URLs' paths are.
    ['https://a.example/X', 'https://a.example/x', false],
    ['*\n*', 'a\nb', true],
  ];
  for (const [glob, url, expected] of cases) t.equal(urlMatches(glob, url), expected, `${glob} ~ ${url}`);
  t.equal(globRegExp('a*'), globRegExp('a*'), 'compiled once per glob');
});

t.test('tags: every listed tag must be on the session, case-sensitive; both conditions must hold', async (t) => {
  t.ok(ruleMatches({}, { tags: [] }), 'an empty condition holds for every session');
  t.ok(ruleMatches({ tags: [] }, { tags: [] }), 'an empty tag list too');
  t.ok(ruleMatches({ tags: ['invoices'] }, { tags: ['invoices', 'eu'] }), 'a subset');
  t.ok(ruleMatches({ tags: ['eu', 'invoices'] }, { tags: ['invoices', 'x', 'eu'] }), 'in any order');
  t.notOk(ruleMatches({ tags: ['invoices', 'eu'] }, { tags: ['invoices'] }), 'one missing');
  t.notOk(ruleMatches({ tags: ['Invoices'] }, { tags: ['invoices'] }), 'case matters');
  t.notOk(ruleMatches({ url: '*' }, { tags: [] }), 'a url condition needs a URL');
  t.ok(ruleMatches({ url: '*' }, { tags: [], url: '' }), 'an empty URL is still a URL');
  const both = { tags: ['a'], url: 'https://x.example/*' };
  t.ok(ruleMatches(both, { tags: ['a'], url: 'https://x.example/1' }));
  t.notOk(ruleMatches(both, { tags: ['a'], url: 'https://y.example/1' }), 'tags hold, url does not');
  t.notOk(ruleMatches(both, { tags: ['b'], url: 'https://x.example/1' }), 'url holds, tags do not');
});

const rulesDoc = {
  accounts: [
    {
      id: 'acme',
      sessions: [{ id: 's1' }, { id: 's2' }],
      session_rules: [
        {
          id: 'invoices',
          when: { tags: ['invoices'] },
          downloads: [
            {
              original_download_url: 'https://portal.example.com/export/2025-01.pdf',
              origin_url: 'https://portal.example.com/export/',
              original_file_name: '2025-01.pdf',
              content: { text: '%PDF-1.4' },
              after_ms: 1500,
            },
            {
              original_download_url: 'https://portal.example.com/export/2025-02.pdf',
              origin_url: 'https://portal.example.com/export/',
              original_file_name: '2025-02.pdf',
              size: 5,
            },
          ],
        },
        {
          when: { url: 'https://portal.example.com/reports/*' },
          downloads: [
            {
              original_download_url: 'https://portal.example.com/reports/q1.csv',
              origin_url: 'https://portal.example.com/reports/',
              original_file_name: 'q1.csv',
              size: 2048,
            },
          ],
        },
      ],
    },
    { id: 'globex', sessions: [{ id: 'g1' }] },
  ],
};

function world(t: Test) {
  const store = new Store({ path: ':memory:' });
  t.teardown(() => store.close());
  loadFixtures(store, [{ name: 'rules.yaml', document: rulesDoc }], { now: T0 });
  return { store };
}

t.test('applySessionRules gives the matching rules downloads, due after_ms after the trigger', async (t) => {
  const mock = world(t);
  const added = applySessionRules(mock, 's1', 'acme', { tags: ['invoices'] }, T0 + 10);
  t.same(
    added.map((d) => [d.original_file_name, d.created_at, d.visible_from, d.size, d.content_type]),
    [
      ['2025-01.pdf', T0 + 1510, T0 + 1510, 8, 'application/pdf'],
      ['2025-02.pdf', T0 + 10, T0 + 10, 5, 'application/pdf'],
    ],
  );
  t.same(
    mock.store.listDownloads('s1').map((d) => d.id),
    [added[1]!.id, added[0]!.id],
    'stored, in created_at order',
  );
  t.equal(mock.store.findDownload(added[0]!.id)!.content!.toString(), '%PDF-1.4', 'with its bytes');
  t.notOk(mock.store.findDownload(added[1]!.id)!.content, 'generated bytes stay generated');
  t.same(applySessionRules(mock, 's1', 'acme', { tags: ['invoices'] }, T0 + 99), [], 'a rule fires once per session');
  t.equal(mock.store.listDownloads('s1').length, 2);

  const forS2 = applySessionRules(mock, 's2', 'acme', { tags: ['invoices'] }, T0);
  t.equal(forS2.length, 2, 'and once for each session');
  t.notSame(
    forS2.map((d) => d.id),
    added.map((d) => d.id),
    'ids derive from the session',
  );
});

t.test('ids derive from session, rule and index: the same in another store', async (t) => {
  const a = applySessionRules(
    world(t),
    's1',
    'acme',
    { tags: ['invoices'], url: 'https://portal.example.com/reports/q' },
    T0,
  );
  const b = applySessionRules(
    world(t),
    's1',
    'acme',
    { tags: ['invoices'], url: 'https://portal.example.com/reports/q' },
    T0 + 5,
  );
  t.equal(a.length, 3, 'both rules fire on one trigger');
  t.same(
    a.map((d) => d.id),
    b.map((d) => d.id),
  );
  t.equal(new Set(a.map((d) => d.id)).size, 3);
});

t.test('a goto fires a url rule later; nothing matches, nothing is written', async (t) => {
  const mock = world(t);
  const generation = mock.store.generation;
  t.same(applySessionRules(mock, 's1', 'acme', { tags: [] }, T0), [], 'no tags, no url');
  t.same(applySessionRules(mock, 's1', 'acme', { tags: [], url: 'https://portal.example.com/other' }, T0), []);
  t.equal(mock.store.generation, generation, 'no write, so no cache is dropped');
  const fired = applySessionRules(mock, 's1', 'acme', { tags: [], url: 'https://portal.example.com/reports/q1' }, T0);
  t.same(
    fired.map((d) => d.original_file_name),
    ['q1.csv'],
  );
  t.same(applySessionRules(mock, 's1', 'acme', { tags: [], url: 'https://portal.example.com/reports/q2' }, T0), []);
  t.same(
    applySessionRules(mock, 'g1', 'globex', { tags: ['invoices'] }, T0),
    [],
    "another account's rules never apply",
  );
});

t.test('a rule keeps having fired for a session after it is loaded again', async (t) => {
  const mock = world(t);
  applySessionRules(mock, 's1', 'acme', { tags: ['invoices'] }, T0);
  loadFixtures(mock.store, [{ name: 'rules.yaml', document: rulesDoc }], { now: T0 });
  t.same(applySessionRules(mock, 's1', 'acme', { tags: ['invoices'] }, T0), []);
});
