import { join } from 'node:path';
import t from 'tap';
import { formatProblem, readFixtureFiles, type FixtureSource } from '../../src/fixture-loader/fixture-loader.js';
import { errorOf, problemsOf } from './documents-and-store.js';

// Reading fixtures: files and folders of YAML and JSON, each problem named by
// the path that caused it, every one reported in a single error.

t.test('YAML and JSON fixture files are both read, each relative to its own folder', async (t) => {
  const dir = t.testdir({
    'a.yaml': 'accounts:\n  - id: acme\n    api_keys: [ak_acme_main]\n',
    sub: { 'b.json': JSON.stringify({ accounts: [{ id: 'globex' }] }) },
  });
  const sources = readFixtureFiles([join(dir, 'a.yaml'), join(dir, 'sub', 'b.json')]);
  t.same(sources, [
    {
      name: join(dir, 'a.yaml'),
      document: { accounts: [{ id: 'acme', api_keys: ['ak_acme_main'] }] },
      baseDir: dir,
      file: join(dir, 'a.yaml'),
    },
    {
      name: join(dir, 'sub', 'b.json'),
      document: { accounts: [{ id: 'globex' }] },
      baseDir: join(dir, 'sub'),
      file: join(dir, 'sub', 'b.json'),
    },
  ]);
});

t.test('a folder gives every .json, .yaml and .yml file in name order and ignores the rest', async (t) => {
  const doc = (id: string) => JSON.stringify({ accounts: [{ id }] });
  const dir = t.testdir({
    'c.yml': doc('c'),
    'a.json': doc('a'),
    'b.yaml': doc('b'),
    'notes.txt': 'not a fixture: {{{',
    'README.md': '# also not a fixture',
    'z.yaml.bak': 'accounts: [',
  });
  const sources = readFixtureFiles([dir]);
  t.same(
    sources.map((s) => s.name),
    ['a.json', 'b.yaml', 'c.yml'].map((f) => join(dir, f)),
  );
  t.same(
    sources.map((s) => s.document),
    ['a', 'b', 'c'].map((id) => ({ accounts: [{ id }] })),
  );
});

t.test('a folder without fixture files is an error naming the folder', async (t) => {
  const dir = t.testdir({
    empty: {},
    other: { 'notes.txt': 'not a fixture', 'a.yaml.bak': 'accounts: []' },
    full: { 'a.yaml': 'accounts: []\n' },
  });
  const problems = problemsOf(t, () => readFixtureFiles([join(dir, 'empty'), join(dir, 'full'), join(dir, 'other')]));
  const message = 'is a folder without fixture files (*.json, *.yaml, *.yml)';
  t.same(problems, [
    { source: join(dir, 'empty'), path: '', message },
    { source: join(dir, 'other'), path: '', message },
  ]);
});

t.test('documents given in memory pass through untouched', async (t) => {
  const source: FixtureSource = { name: 'request body', document: { accounts: [] } };
  t.same(readFixtureFiles([source]), [source]);
});

t.test('a path that cannot be read is reported by name', async (t) => {
  const dir = t.testdir({});
  const missing = join(dir, 'nope.yaml');
  const problems = problemsOf(t, () => readFixtureFiles([missing]));
  t.same(problems, [{ source: missing, path: '', message: 'cannot read: ENOENT' }]);
});

t.test('a file that does not parse is reported by name', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'accounts: [\n  - id: acme\n', 'bad.json': '{"accounts": [' });
  const yamlProblems = problemsOf(t, () => readFixtureFiles([join(dir, 'bad.yaml')]));
  t.match(yamlProblems, [{ source: join(dir, 'bad.yaml'), path: '', message: /^invalid YAML/ }]);
  const jsonProblems = problemsOf(t, () => readFixtureFiles([join(dir, 'bad.json')]));
  t.match(jsonProblems, [{ source: join(dir, 'bad.json'), path: '', message: /^invalid JSON/ }]);
});

t.test('a YAML mapping with the same key twice does not parse', async (t) => {
  const dir = t.testdir({ 'dup.yaml': 'accounts:\n  - id: acme\n    id: globex\n' });
  t.match(
    problemsOf(t, () => readFixtureFiles([join(dir, 'dup.yaml')])),
    [{ message: /^invalid YAML/ }],
  );
});

t.test('every unreadable or unparsable file is reported together in one error', async (t) => {
  const dir = t.testdir({
    good: { 'ok.yaml': 'accounts: []\n', 'broken.yml': 'accounts: [' },
    'bad.json': '{',
  });
  const missing = join(dir, 'missing');
  const err = errorOf(t, () => readFixtureFiles([join(dir, 'good'), missing, join(dir, 'bad.json')]));
  t.same(
    err.problems.map((p) => p.source),
    [join(dir, 'good', 'broken.yml'), missing, join(dir, 'bad.json')],
  );
  for (const p of err.problems) t.match(err.message, formatProblem(p).split('\n')[0]!, `the message lists ${p.source}`);
  t.match(err.message, /3 problems/);
});
