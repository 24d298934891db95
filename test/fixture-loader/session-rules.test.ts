import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { applySessionRules } from '../../src/domain/sessions/session-rules.js';
import { loadFixtures, readFixtureFiles } from '../../src/fixture-loader/fixture-loader.js';
import { dl, load, openStore, problemsOf, T0 } from './documents-and-store.js';

// session_rules in fixtures: checked like every entry, stored, and never duplicated by loading again.

const rule = (overrides: Record<string, unknown> = {}) => ({
  when: { tags: ['invoices'] },
  downloads: [{ ...dl(), after_ms: 1500 }],
  ...overrides,
});
const withRules = (rules: unknown[], account = 'acme') => ({
  accounts: [{ id: account, sessions: [{ id: `${account}-s1` }], session_rules: rules }],
});

t.test('rules are stored with their condition and resolved downloads, in order', async (t) => {
  const store = openStore(t);
  load(
    store,
    withRules([
      rule({ id: 'r1' }),
      rule({
        when: { url: 'https://x.example/*', tags: ['a', 'b'] },
        downloads: [dl({ size: undefined, content: { text: 'hi' } })],
      }),
      rule({ when: {}, downloads: [] }),
    ]),
  );
  const rules = store.rules.rulesOf('acme');
  t.equal(rules.length, 3);
  t.equal(rules[0]!.id, 'r1');
  t.same(rules[0]!.when, { tags: ['invoices'] });
  t.match(rules[0]!.downloads[0], { original_file_name: 'report.pdf', size: 10, after_ms: 1500, content: null });
  t.same(rules[1]!.when, { url: 'https://x.example/*', tags: ['a', 'b'] });
  t.match(rules[1]!.downloads[0], { size: 2, after_ms: 0, content_type: 'application/pdf' });
  t.equal(rules[1]!.downloads[0]!.content!.toString(), 'hi');
  t.same(rules[2]!.when, {});
  t.match(rules[1]!.id, /^[0-9a-f-]{36}$/, 'an unnamed rule gets a derived id');
});

t.test('loading the same document twice does not duplicate a rule, named or not', async (t) => {
  const store = openStore(t);
  const doc = withRules([rule({ id: 'r1' }), rule(), rule()]);
  load(store, doc);
  const first = store.rules.rulesOf('acme').map((r) => r.id);
  load(store, doc, T0 + 1000);
  t.same(
    store.rules.rulesOf('acme').map((r) => r.id),
    first,
  );
  t.equal(applySessionRules({ store }, 'acme-s1', 'acme', { tags: ['invoices'] }, T0).length, 3, 'three rules fire');
});

t.test('loading a rule again with other downloads replaces them', async (t) => {
  const store = openStore(t);
  load(store, withRules([rule({ id: 'r1' })]));
  load(store, withRules([rule({ id: 'r1', when: { tags: ['x'] }, downloads: [dl(), dl(), dl()] })]));
  const [r1] = store.rules.rulesOf('acme');
  t.same(r1!.when, { tags: ['x'] });
  t.equal(r1!.downloads.length, 3);
});

t.test('rule ids belong to their account: two accounts may use the same one', async (t) => {
  const store = openStore(t);
  load(store, {
    accounts: [...withRules([rule({ id: 'r' })]).accounts, ...withRules([rule({ id: 'r' })], 'globex').accounts],
  });
  t.equal(store.rules.rulesOf('acme').length, 1);
  t.equal(store.rules.rulesOf('globex').length, 1);
});

t.test('invalid rules are refused, naming path and field; nothing is loaded', async (t) => {
  const store = openStore(t);
  const problems = problemsOf(t, () =>
    load(
      store,
      withRules([
        rule({ when: { tag: ['x'] } }),
        rule({ downloads: [{ ...dl(), id: 'no' }] }),
        rule({ downloads: [{ ...dl(), after_ms: -1 }] }),
        rule({ downloads: [{ ...dl(), created_at: '2026-01-01T00:00:00Z' }] }),
        rule({ when: { url: '' } }),
        rule({ when: { tags: 'invoices' } }),
        { when: {} },
        rule({ downloads: [dl({ size: undefined })] }),
        rule({ downloads: [dl({ size: 3, content: { text: 'four' } })] }),
        rule({ downloads: [{ ...dl(), after_ms: 1.5 }] }),
      ]),
    ),
  );
  const at = (i: number) => `accounts[0].session_rules[${i}]`;
  t.same(
    problems.map((p) => [p.path, p.message]),
    [
      [`${at(0)}.when.tag`, 'unknown field tag; allowed: tags, url'],
      [
        `${at(1)}.downloads[0].id`,
        'unknown field id; allowed: original_download_url, origin_url, original_file_name, suggested_file_name, ' +
          'duration, content_type, content, size, after_ms',
      ],
      [`${at(2)}.downloads[0].after_ms`, 'must be an integer >= 0'],
      [
        `${at(3)}.downloads[0].created_at`,
        'unknown field created_at; allowed: original_download_url, origin_url, original_file_name, ' +
          'suggested_file_name, duration, content_type, content, size, after_ms',
      ],
      [`${at(4)}.when.url`, 'must not be empty'],
      [`${at(5)}.when.tags`, 'must be an array'],
      [`${at(6)}.downloads`, 'is required'],
      [`${at(9)}.downloads[0].after_ms`, 'must be an integer'],
    ],
  );
  t.same(store.rules.rulesOf('acme'), [], 'nothing was loaded');
});

t.test('problems found while writing name the rule download and field', async (t) => {
  const store = openStore(t);
  const problems = problemsOf(t, () =>
    load(
      store,
      withRules([
        rule({ downloads: [dl(), dl({ size: undefined })] }),
        rule({ downloads: [dl({ size: 3, content: { text: 'four' } })] }),
        rule({ id: 'twice' }),
        rule({ id: 'twice' }),
      ]),
    ),
  );
  t.same(
    problems.map((p) => [p.path, p.message]),
    [
      ['accounts[0].session_rules[0].downloads[1]', 'needs content or size'],
      ['accounts[0].session_rules[1].downloads[0].size', 'is 3 but the content is 4 bytes'],
      [
        'accounts[0].session_rules[3].id',
        'rule "twice" is listed twice in this account; first at x.yaml: accounts[0].session_rules[2]',
      ],
    ],
  );
  t.same(store.rules.rulesOf('acme'), [], 'nothing was loaded');
});

t.test('a rule in a YAML file: problems carry line and column; content.file is read at load', async (t) => {
  const dir = t.testdir();
  mkdirSync(join(dir, 'files'));
  writeFileSync(join(dir, 'files', 'q1.csv'), 'a,b\n1,2\n');
  const yaml = [
    'accounts:',
    '  - id: acme',
    '    session_rules:',
    '      - when: { url: "https://portal.example.com/reports/*" }',
    '        downloads:',
    '          - original_download_url: https://portal.example.com/reports/q1.csv',
    '            origin_url: https://portal.example.com/reports/',
    '            original_file_name: q1.csv',
    '            content: { file: files/q1.csv }',
    '          - original_download_url: nope',
    '            origin_url: https://portal.example.com/reports/',
    '            original_file_name: q2.csv',
    '            size: 3',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'bad.yaml'), yaml);
  writeFileSync(join(dir, 'good.yaml'), yaml.split('\n').slice(0, 9).join('\n'));
  const store = openStore(t);
  const [problem] = problemsOf(t, () => loadFixtures(store, readFixtureFiles([join(dir, 'bad.yaml')]), { now: T0 }));
  t.match(problem, {
    path: 'accounts[0].session_rules[0].downloads[1].original_download_url',
    line: 10,
    message: 'must be an http(s) URL',
  });
  loadFixtures(store, readFixtureFiles([join(dir, 'good.yaml')]), { now: T0 });
  const [stored] = store.rules.rulesOf('acme');
  t.equal(stored!.downloads[0]!.content!.toString(), 'a,b\n1,2\n');
  t.equal(stored!.downloads[0]!.content_type, 'text/csv');
});

t.test('wiping the store removes rules and what fired', async (t) => {
  const store = openStore(t);
  load(store, withRules([rule()]));
  applySessionRules({ store }, 'acme-s1', 'acme', { tags: ['invoices'] }, T0);
  store.write((w) => w.wipe());
  t.same(store.rules.rulesOf('acme'), []);
  t.equal(store.db.prepare('SELECT COUNT(*) AS n FROM session_rule_firings').pluck().get(), 0);
});
