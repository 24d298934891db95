import { join } from 'node:path';
import t from 'tap';
import YAML from 'yaml';
import { Clock } from '../../src/domain/clock.js';
import { DownloadCache } from '../../src/domain/download-cache.js';
import { contentEtag, generateContent } from '../../src/domain/generated-content.js';
import { loadFixtures, readFixtureFiles } from '../../src/fixture-loader/fixture-loader.js';
import { dl, downloadPath, load, oneSession, openStore, problemsOf, T0 } from './documents-and-store.js';

// A download's bytes (inline text or base64, a file beside the fixture, or
// generated from its size) and the fields filled in when a fixture leaves them
// out: size, content_type, duration, suggested_file_name.

t.test('a download without content or size is refused', async (t) => {
  const store = openStore(t);
  t.same(
    problemsOf(t, () => load(store, oneSession([dl(), dl({ size: undefined })]))),
    [{ source: 'x.yaml', path: downloadPath(1), message: 'needs content or size' }],
  );
});

t.test('content and size given together must agree', async (t) => {
  const store = openStore(t);
  t.match(
    problemsOf(t, () => load(store, oneSession([dl({ content: { text: 'hello' }, size: 4 })]))),
    [{ source: 'x.yaml', path: `${downloadPath(0)}.size`, message: /4.*5/ }],
  );
  load(store, oneSession([dl({ id: 'd1', content: { text: 'hello' }, size: 5 })]));
  t.equal(store.findDownload('d1')!.size, 5);
});

t.test('size is the byte length of the content, whatever its form', async (t) => {
  const store = openStore(t);
  const gif = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
  load(
    store,
    oneSession([
      dl({ id: 'text', content: { text: 'héllo – 報告' }, size: undefined }),
      dl({ id: 'b64', content: { base64: gif }, size: undefined }),
      dl({ id: 'empty', content: { text: '' }, size: undefined }),
    ]),
  );
  t.equal(store.findDownload('text')!.size, Buffer.byteLength('héllo – 報告'));
  t.equal(store.findDownload('text')!.content!.toString('utf8'), 'héllo – 報告');
  t.equal(store.findDownload('b64')!.size, Buffer.from(gif, 'base64').length);
  t.ok(store.findDownload('b64')!.content!.equals(Buffer.from(gif, 'base64')));
  t.equal(store.findDownload('empty')!.size, 0);
});

t.test('content must be exactly one of text, base64 or file, and base64 must be valid', async (t) => {
  const store = openStore(t);
  t.match(
    problemsOf(t, () =>
      load(
        store,
        oneSession([
          dl({ content: { text: 'a', base64: 'YQ==' } }),
          dl({ content: {} }),
          dl({ content: { base64: 'not base64!' } }),
        ]),
      ),
    ),
    [
      { path: `${downloadPath(0)}.content`, message: /one of/ },
      { path: `${downloadPath(1)}.content`, message: /one of/ },
      { path: `${downloadPath(2)}.content.base64`, message: /base64/ },
    ],
  );
});

t.test('a download given by size alone stores no bytes: they are generated from its id', async (t) => {
  const store = openStore(t);
  load(store, oneSession([dl({ id: 'gen-1', size: 177152 }), dl({ id: 'gen-0', size: 0 })]));
  const row = store.findDownload('gen-1')!;
  t.equal(row.size, 177152);
  t.equal(row.content, null, 'nothing stored');
  t.equal(row.etag, '', 'no entity tag stored either: the file routes derive it');
  t.equal(
    new DownloadCache(store, new Clock()).get('gen-1')?.row.etag,
    contentEtag('gen-1', 177152, null),
    'as served',
  );
  t.equal(store.findDownload('gen-0')!.size, 0);
  const bytes = generateContent('gen-1', row.size);
  t.equal(bytes.length, 177152);
  t.ok(bytes.equals(generateContent('gen-1', 177152)), 'the same bytes every time');
  t.notOk(bytes.equals(generateContent('gen-2', 177152)), 'another id, other bytes');
});

t.test('content.file is read relative to the fixture file', async (t) => {
  const dir = t.testdir({
    fixtures: {
      'world.yaml': YAML.stringify(
        oneSession([
          dl({ id: 'pdf', original_file_name: 'invoice.pdf', content: { file: 'files/invoice.pdf' }, size: undefined }),
        ]),
      ),
      files: { 'invoice.pdf': '%PDF-1.4 pretend invoice' },
    },
  });
  const store = openStore(t);
  loadFixtures(store, readFixtureFiles([join(dir, 'fixtures')]), { now: T0 });
  const row = store.findDownload('pdf')!;
  t.equal(row.content!.toString(), '%PDF-1.4 pretend invoice');
  t.equal(row.size, Buffer.byteLength('%PDF-1.4 pretend invoice'));
  t.equal(row.content_type, 'application/pdf');
});

t.test('content.file follows symlinks that stay inside the fixture folder', async (t) => {
  const dir = t.testdir({
    'world.yaml': YAML.stringify(oneSession([dl({ id: 'd', content: { file: 'alias.txt' }, size: undefined })])),
    'real.txt': 'the real bytes',
    'alias.txt': t.fixture('symlink', 'real.txt'),
  });
  const store = openStore(t);
  loadFixtures(store, readFixtureFiles([join(dir, 'world.yaml')]), { now: T0 });
  t.equal(store.findDownload('d')!.content!.toString(), 'the real bytes');
});

t.test('content.file may not leave the fixture folder', async (t) => {
  const dir = t.testdir({
    'outside.txt': 'secret bytes',
    fixtures: {
      files: { 'escape.txt': t.fixture('symlink', '../../outside.txt'), 'ok.txt': 'ok' },
    },
  });
  const fixtures = join(dir, 'fixtures');
  const doc = oneSession([
    dl({ content: { file: join(dir, 'outside.txt') }, size: undefined }),
    dl({ content: { file: '../outside.txt' }, size: undefined }),
    dl({ content: { file: 'files/../../outside.txt' }, size: undefined }),
    dl({ content: { file: 'files/escape.txt' }, size: undefined }),
    dl({ content: { file: 'files/missing.txt' }, size: undefined }),
    dl({ content: { file: 'files/ok.txt' }, size: undefined }),
  ]);
  const store = openStore(t);
  const problems = problemsOf(t, () =>
    loadFixtures(store, [{ name: 'world.yaml', document: doc, baseDir: fixtures }], { now: T0 }),
  );
  t.match(problems, [
    { source: 'world.yaml', path: `${downloadPath(0)}.content.file`, message: /relative/ },
    { source: 'world.yaml', path: `${downloadPath(1)}.content.file`, message: /outside/ },
    { source: 'world.yaml', path: `${downloadPath(2)}.content.file`, message: /outside/ },
    { source: 'world.yaml', path: `${downloadPath(3)}.content.file`, message: /outside/ },
    { source: 'world.yaml', path: `${downloadPath(4)}.content.file`, message: /not found: files\/missing\.txt/ },
  ]);
  t.equal(problems.length, 5, 'files/ok.txt is fine');
  for (const p of problems) t.notMatch(p.message, 'secret bytes');
  t.same(store.counts(), []);
});

t.test('content.file is refused in a document that did not come from a file', async (t) => {
  const store = openStore(t);
  t.match(
    problemsOf(t, () =>
      load(store, oneSession([dl({ content: { file: 'files/a.pdf' }, size: undefined })]), T0, 'request body'),
    ),
    [{ source: 'request body', path: `${downloadPath(0)}.content.file`, message: /only allowed in fixture files/ }],
  );
});

// ---------------------------------------------------------------- defaults

t.test('content_type comes from the file name, else application/octet-stream, and a given one is kept', async (t) => {
  const store = openStore(t);
  const files: Array<[string, string]> = [
    ['report.pdf', 'application/pdf'],
    ['SCAN.PDF', 'application/pdf'],
    ['sheet.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['archive.tar.gz', 'application/gzip'],
    ['README', 'application/octet-stream'],
    ['data.unknownext', 'application/octet-stream'],
  ];
  load(
    store,
    oneSession([
      ...files.map(([name], i) => dl({ id: `d${i}`, original_file_name: name })),
      dl({ id: 'given', original_file_name: 'report.pdf', content_type: 'application/x-custom' }),
    ]),
  );
  files.forEach(([name, type], i) => t.equal(store.findDownload(`d${i}`)!.content_type, type, name));
  t.equal(store.findDownload('given')!.content_type, 'application/x-custom');
});

t.test(
  'a file name without an extension is application/octet-stream even if the name is an extension word',
  async (t) => {
    const store = openStore(t);
    load(store, oneSession([dl({ id: 'a', original_file_name: 'pdf' }), dl({ id: 'b', original_file_name: 'json' })]));
    t.equal(store.findDownload('a')!.content_type, 'application/octet-stream', '"pdf" has no extension');
    t.equal(store.findDownload('b')!.content_type, 'application/octet-stream', '"json" has no extension');
  },
);

t.test('content_type must look like a media type', async (t) => {
  const store = openStore(t);
  t.match(
    problemsOf(t, () => load(store, oneSession([dl({ content_type: 'pdf' })]))),
    [{ path: `${downloadPath(0)}.content_type`, message: /media type/ }],
  );
});

t.test('duration defaults to 0 and suggested_file_name to original_file_name', async (t) => {
  const store = openStore(t);
  load(
    store,
    oneSession([
      dl({ id: 'd', original_file_name: 'document.doc' }),
      dl({ id: 'e', suggested_file_name: 'report (2).pdf', duration: 2025 }),
    ]),
  );
  t.match(store.findDownload('d'), {
    duration: 0,
    suggested_file_name: 'document.doc',
    original_file_name: 'document.doc',
  });
  t.match(store.findDownload('e'), {
    duration: 2025,
    suggested_file_name: 'report (2).pdf',
    original_file_name: 'report.pdf',
  });
});

t.test('duration and size must be whole numbers >= 0', async (t) => {
  const store = openStore(t);
  t.match(
    problemsOf(t, () => load(store, oneSession([dl({ duration: -1 }), dl({ size: -1 })]))),
    [
      { path: `${downloadPath(0)}.duration`, message: />= 0/ },
      { path: `${downloadPath(1)}.size`, message: />= 0/ },
    ],
  );
});
