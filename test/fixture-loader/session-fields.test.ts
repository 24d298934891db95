import t from 'tap';
import { hashKey } from '../../src/domain/api-keys.js';
import { loadFixtures, parseFixtureText } from '../../src/fixture-loader/fixture-loader.js';
import { load, openStore, problemsOf, T0 } from './documents-and-store.js';

// The fields the session lifecycle reads from fixtures: a session's status and
// tags, an account's credits and creation limit, a key's name.

t.test('session status and tags, account credits and session_limit, key name are stored', async (t) => {
  const store = openStore(t);
  load(store, {
    accounts: [
      {
        id: 'acme',
        api_keys: [{ key: 'ak_acme_main', name: 'ci-key' }, 'ak_acme_plain'],
        sessions: [{ id: 's-run', status: 'running', tags: ['a', 'b'] }, { id: 's-default' }],
        credits: 12.5,
        session_limit: { count: 5, per_seconds: 60 },
      },
    ],
  });
  t.match(store.sessions.find('s-run'), { status: 'running', tags: '["a","b"]', origin: 'fixture', ends_at: null });
  t.match(store.sessions.find('s-default'), { status: 'completed', tags: '[]' });
  t.match(store.sessions.account('acme'), { credits: 12.5, session_limit_count: 5, session_limit_seconds: 60 });
  t.equal(store.findKey(hashKey('ak_acme_main'))!.name, 'ci-key');
  t.equal(store.findKey(hashKey('ak_acme_plain'))!.name, null);
});

t.test("a session's status applies on its first insert only; tags follow the fixture", async (t) => {
  const store = openStore(t);
  load(store, { accounts: [{ id: 'acme', sessions: [{ id: 's', status: 'running', tags: ['x'] }] }] });
  store.sessions.end('s', T0 + 1000);
  load(store, { accounts: [{ id: 'acme', sessions: [{ id: 's', status: 'running', tags: ['y'] }] }] });
  t.match(store.sessions.find('s'), { status: 'completed', ended_at: T0 + 1000, tags: '["y"]' });
});

t.test('an account entry without credits or a limit keeps those an earlier entry gave', async (t) => {
  const store = openStore(t);
  load(store, { accounts: [{ id: 'acme', credits: 3, session_limit: { count: 1, per_seconds: 10 } }, { id: 'acme' }] });
  t.match(store.sessions.account('acme'), { credits: 3, session_limit_count: 1, session_limit_seconds: 10 });
});

t.test('ids that fixed routes under /v1/sessions/ take are refused as session ids, at their place', async (t) => {
  const store = openStore(t);
  for (const id of ['all', 'history', 'async', 'pending-interventions']) {
    t.match(
      problemsOf(t, () => load(store, { accounts: [{ id: 'acme', sessions: [{ id }] }] })),
      [
        {
          path: 'accounts[0].sessions[0].id',
          message: /must not be "all", "history", "async", "pending-interventions"/,
        },
      ],
      id,
    );
  }
  t.ok(load(store, { accounts: [{ id: 'all', sessions: [{ id: 'all-1' }] }] }), 'an account may be called all');
});

t.test('bad values name their field, with line and column in a YAML file', async (t) => {
  const store = openStore(t);
  const text = [
    'accounts:',
    '  - id: acme',
    '    credits: -1',
    '    session_limit: { count: 0, per_seconds: 1.5 }',
    '    api_keys:',
    '      - { key: ak_acme_main, name: "" }',
    '    sessions:',
    '      - id: async',
    '        status: paused',
    '        tags: [1]',
  ].join('\n');
  const problems = problemsOf(t, () =>
    loadFixtures(store, [{ name: 'f.yaml', document: parseFixtureText(text, 'f.yaml'), text }], { now: T0 }),
  );
  t.same(
    problems.map((p) => [p.path, p.line, p.message.replace(/:.*$/, '')]).sort(),
    [
      ['accounts[0].api_keys[0].name', 6, 'must not be empty'],
      ['accounts[0].credits', 3, 'must be a number >= 0'],
      ['accounts[0].session_limit.count', 4, 'must be an integer >= 1'],
      ['accounts[0].session_limit.per_seconds', 4, 'must be an integer'],
      ['accounts[0].sessions[0].id', 8, 'must not be "all", "history", "async", "pending-interventions"'],
      ['accounts[0].sessions[0].status', 9, 'must be one of running, completed, failed'],
      ['accounts[0].sessions[0].tags[0]', 10, 'must be a string'],
    ].sort(),
  );
});
