import t from 'tap';
import { expectContract, listUrl } from '../helpers/app.js';
import { admin, call, expectEnvelope, startTestMock } from './live-mock.js';

// POST /_mock/fixtures: load a fixture document over HTTP, as JSON or YAML.

const NEW_SESSION = 'sess-new';
const newKey = { 'anchor-api-key': 'ak_test_initech' };

const initech = {
  accounts: [
    {
      id: 'initech',
      api_keys: ['ak_test_initech'],
      sessions: [
        {
          id: NEW_SESSION,
          downloads: [
            {
              id: 'tps',
              original_download_url: 'https://initech.example/tps.txt',
              origin_url: 'https://initech.example/',
              original_file_name: 'tps.txt',
              content: { text: 'TPS report' },
            },
          ],
        },
      ],
    },
  ],
};

const initechYaml = `
accounts:
  - id: initech
    api_keys: [ak_test_initech]
    sessions:
      - id: ${NEW_SESSION}
        downloads:
          - id: tps
            original_download_url: https://initech.example/tps.txt
            origin_url: https://initech.example/
            original_file_name: tps.txt
            content: { text: TPS report }
`;

const loaded = {
  sources: [{ name: 'request body', accounts: 1, api_keys: 1, sessions: 1, downloads: 1 }],
  totals: { accounts: 1, api_keys: 1, sessions: 1, downloads: 1 },
};
const smallWorldTotals = { accounts: 2, api_keys: 3, sessions: 3, downloads: 4 };

t.test('a JSON document answers 201 with what it loaded, and its data is served at once', async (t) => {
  const mock = await startTestMock(t);
  const res = await admin(mock, 'POST', '/fixtures', initech);
  t.equal(res.statusCode, 201);
  t.same(res.json, { data: loaded });
  const list = expectContract(t, await call(mock, listUrl(NEW_SESSION), { headers: newKey }), 200);
  t.same(
    list.data.items.map((i: { id: string }) => i.id),
    ['tps'],
  );
});

t.test('a YAML document (application/yaml) loads the same', async (t) => {
  const mock = await startTestMock(t);
  const res = await admin(mock, 'POST', '/fixtures', initechYaml, { 'content-type': 'application/yaml' });
  t.equal(res.statusCode, 201);
  t.same(res.json, { data: loaded });
  const list = expectContract(t, await call(mock, listUrl(NEW_SESSION), { headers: newKey }), 200);
  t.equal(list.data.items[0].size, 'TPS report'.length);
});

t.test('YAML is also accepted with a charset and under the other YAML media types', async (t) => {
  const mock = await startTestMock(t);
  for (const type of ['application/yaml; charset=utf-8', 'application/x-yaml', 'text/yaml']) {
    const res = await admin(mock, 'POST', '/fixtures', initechYaml, { 'content-type': type });
    t.equal(res.statusCode, 201, type);
  }
});

t.test('loading merges into what is there: existing data stays', async (t) => {
  const mock = await startTestMock(t);
  await admin(mock, 'POST', '/fixtures', initech);
  const state = await admin(mock, 'GET', '/state');
  t.same(state.json.data.totals, { accounts: 3, api_keys: 4, sessions: 4, downloads: 5 });
});

t.test('a document with many problems answers 400 listing every one with its path, and loads nothing', async (t) => {
  const mock = await startTestMock(t);
  const res = await admin(mock, 'POST', '/fixtures', {
    accounts: [
      { id: 'fine', api_keys: ['ak_test_fine_key'] },
      {
        id: 'broken',
        api_keys: ['short'],
        sessions: [
          {
            id: 'a/b',
            downloads: [
              {
                original_download_url: 'ftp://x.example/f',
                origin_url: 'https://x.example/',
                original_file_name: '',
                size: -1,
                colour: 'red',
              },
            ],
          },
        ],
        plan: 'pro',
      },
    ],
  });
  const error = expectEnvelope(t, res, 400);
  t.same(error.problems, [
    { source: 'request body', path: 'accounts[1].api_keys[0]', message: 'must be at least 8 characters' },
    {
      source: 'request body',
      path: 'accounts[1].sessions[0].id',
      message: 'must not contain "/" or control characters',
    },
    {
      source: 'request body',
      path: 'accounts[1].sessions[0].downloads[0].original_download_url',
      message: 'must be an http(s) URL',
    },
    {
      source: 'request body',
      path: 'accounts[1].sessions[0].downloads[0].original_file_name',
      message: 'must not be empty',
    },
    { source: 'request body', path: 'accounts[1].sessions[0].downloads[0].size', message: 'must be an integer >= 0' },
    {
      source: 'request body',
      path: 'accounts[1].sessions[0].downloads[0].colour',
      message:
        'unknown field colour; allowed: id, original_download_url, origin_url, original_file_name, suggested_file_name, ' +
        'duration, created_at, content_type, content, size',
    },
    {
      source: 'request body',
      path: 'accounts[1].plan',
      message: 'unknown field plan; allowed: id, api_keys, sessions, credits, session_limit, session_rules',
    },
  ]);
  t.match(error.message, /nothing was loaded \(7 problems\)/);
  const state = await admin(mock, 'GET', '/state');
  t.same(state.json.data.totals, smallWorldTotals, 'not even the sound account was loaded');
  expectContract(t, await call(mock, listUrl('sess-1'), { headers: { 'anchor-api-key': 'ak_test_fine_key' } }), 401);
});

t.test(
  'a conflict found while loading (a key owned by another account) is a 400 too, naming the key only by fingerprint',
  async (t) => {
    const mock = await startTestMock(t);
    const res = await admin(mock, 'POST', '/fixtures', {
      accounts: [
        { id: 'thief', api_keys: ['ak_test_thief'], sessions: [{ id: 'sess-thief' }] },
        { id: 'thief2', api_keys: ['ak_test_acme'] },
      ],
    });
    const error = expectEnvelope(t, res, 400);
    t.equal(error.problems?.length, 1);
    t.match(error.problems?.[0], {
      source: 'request body',
      path: 'accounts[1].api_keys[0]',
      message: /^key ak_t…[0-9a-f]{8} already belongs to account "acme"$/,
    });
    t.notMatch(res.body, 'ak_test_acme', 'the key itself is not echoed');
    const state = await admin(mock, 'GET', '/state');
    t.same(state.json.data.totals, smallWorldTotals, 'the sound part of the document was rolled back');
  },
);

t.test('content.file is refused over HTTP (only fixture files may name files)', async (t) => {
  const mock = await startTestMock(t);
  const res = await admin(mock, 'POST', '/fixtures', {
    accounts: [
      {
        id: 'x',
        sessions: [
          {
            id: 'sx',
            downloads: [
              {
                original_download_url: 'https://x.example/f',
                origin_url: 'https://x.example/',
                original_file_name: 'passwd',
                content: { file: '../../etc/passwd' },
              },
            ],
          },
        ],
      },
    ],
  });
  const error = expectEnvelope(t, res, 400);
  t.match(error.problems, [
    { path: 'accounts[0].sessions[0].downloads[0].content.file', message: /only allowed in fixture files/ },
  ]);
});

t.test(
  'invalid YAML answers 400 with the same problems array, its line, column and excerpt, and loads nothing',
  async (t) => {
    const mock = await startTestMock(t);
    const res = await admin(mock, 'POST', '/fixtures', 'accounts:\n  - id: y\n   oops: [', {
      'content-type': 'application/yaml',
    });
    const error = expectEnvelope(t, res, 400);
    t.same(error.problems, [
      {
        source: 'request body',
        path: '',
        message: 'invalid YAML: Sequence item without - indicator\n  - id: y\n   oops: [\n^',
        line: 3,
        column: 1,
      },
    ]);
    t.match(
      error.message,
      'nothing was loaded (1 problem):\n  request body:3:1: invalid YAML: Sequence item without - indicator\n',
    );
    t.same((await admin(mock, 'GET', '/state')).json.data.totals, smallWorldTotals);
  },
);

t.test(
  'problems in a body sent as text carry line and column; a JSON body, parsed on arrival, keeps paths only',
  async (t) => {
    const mock = await startTestMock(t);
    const yaml = initechYaml
      .replace('original_file_name: tps.txt', 'original_file_name: ""')
      .replace('{ text: TPS report }', '{ txt: TPS report }');
    const error = expectEnvelope(
      t,
      await admin(mock, 'POST', '/fixtures', yaml, { 'content-type': 'application/yaml' }),
      400,
    );
    const at = 'accounts[0].sessions[0].downloads[0]';
    t.same(error.problems, [
      { source: 'request body', path: `${at}.original_file_name`, message: 'must not be empty', line: 11, column: 13 },
      {
        source: 'request body',
        path: `${at}.content.txt`,
        message: 'unknown field txt; allowed: text, base64, file',
        line: 12,
        column: 24,
      },
    ]);
    const asJson = structuredClone(initech);
    asJson.accounts[0]!.sessions[0]!.downloads[0]!.original_file_name = '';
    const jsonError = expectEnvelope(t, await admin(mock, 'POST', '/fixtures', asJson), 400);
    t.same(jsonError.problems, [
      { source: 'request body', path: `${at}.original_file_name`, message: 'must not be empty' },
    ]);
  },
);

t.test('invalid JSON answers 400 in the envelope', async (t) => {
  const mock = await startTestMock(t);
  const res = await admin(mock, 'POST', '/fixtures', '{"accounts": [', { 'content-type': 'application/json' });
  expectEnvelope(t, res, 400);
  t.same((await admin(mock, 'GET', '/state')).json.data.totals, smallWorldTotals);
});

t.test('a document that is not an object of accounts answers 400', async (t) => {
  const mock = await startTestMock(t);
  for (const body of [[], { sessions: [] }, 'just a string']) {
    const res = await admin(
      mock,
      'POST',
      '/fixtures',
      body,
      typeof body === 'string' ? { 'content-type': 'application/yaml' } : {},
    );
    const error = expectEnvelope(t, res, 400);
    t.ok((error.problems?.length ?? 0) >= 1, `${JSON.stringify(body)}: at least one problem`);
  }
});
