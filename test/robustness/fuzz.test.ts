import { Agent, type OutgoingHttpHeaders } from 'node:http';
import t from 'tap';
import { signDownload } from '../../src/domain/signed-urls.js';
import { JSON_CONTENT_TYPE } from '../../src/http/errors.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { EMPTY_SESSION, OTHER_SESSION, SESSION, smallWorld } from '../helpers/app.js';
import { contractProblems } from '../helpers/contract.js';
import { CLIENT_REFUSED, httpCall, rawCall, type Outcome } from './http-probe.js';
import { mulberry32, picker, robustnessSeed } from './seeded-random.js';

// Seeded fuzzing of a real listening mock: malformed paths, methods, headers,
// query strings and admin bodies. Every answer must be a 4xx in the error
// envelope or a correct 2xx (304/206 on file routes) — never a 5xx, a hang or
// a crash. A fixed corpus of known-nasty inputs runs first, then CASES
// random ones. Replay a run with ROBUSTNESS_SEED=<seed>.

const SEED = robustnessSeed(0xf022_2026);
const CASES = 3000;
const CASE_TIMEOUT_MS = 5000;
/** Emulated-route cases in flight at once; admin cases run alone. */
const PARALLEL = 8;
const SECRET = 'fuzz-signing-secret';

const KEYS = { acme: 'ak_test_acme', tight: 'ak_test_tight', globex: 'ak_test_globex' };
const SESSIONS = [SESSION, OTHER_SESSION, EMPTY_SESSION];
const DOWNLOADS = ['dl-a', 'dl-b', 'dl-c', 'dl-g'];

interface Case {
  label: string;
  /** 'http': node:http (well-formed); 'raw': these exact bytes on a socket. */
  transport: 'http' | 'raw';
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body?: string | Buffer;
  raw?: Buffer;
}

const isAdminMutation = (c: Case) => c.path.startsWith('/_mock') && c.method !== 'GET' && c.method !== 'HEAD';

// ---- generators -----------------------------------------------------------------

const draw = picker(mulberry32(SEED));
const { pick, chance } = draw;

const JUNK_SEGMENTS = [
  '%2F',
  'a%2Fb',
  '..',
  '.',
  '%2E%2E',
  '%2e',
  '%00',
  'a%00b',
  '%0A',
  '%0D%0A',
  '%C3%28',
  '%FF',
  '%E2%82',
  '%',
  '%zz',
  '%%',
  '%25',
  '%C0%AF',
  '%ED%A0%80',
  '%F0%9F%92%A9',
  'b%C3%A9r%C3%A9',
  '%E2%80%AE',
  '%20',
  '+',
  '*',
  '~',
  ';',
  ';a=b',
  ',',
  '@',
  ':',
  '%3F',
  '%23',
  'x'.repeat(256),
  'x'.repeat(257),
  'x'.repeat(300),
  'x'.repeat(1024),
  'x'.repeat(1025),
  'x'.repeat(5000),
  '%41'.repeat(400),
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '0',
  '-1',
  '1e309',
  'NaN',
  '[]',
  '{}',
  "'",
  '"',
  '<script>',
];

function segment(kind: 'session' | 'download' | 'any'): string {
  if (chance(0.55)) {
    if (kind === 'session') return encodeURIComponent(pick(SESSIONS));
    if (kind === 'download') return encodeURIComponent(pick(DOWNLOADS));
  }
  if (chance(0.15)) return pick(SESSIONS.concat(DOWNLOADS)) + pick(JUNK_SEGMENTS);
  return pick(JUNK_SEGMENTS);
}

function signedQuery(downloadId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const expires = pick([now + 3600, now - 10, 0, 999_999_999_999, now + 3600]);
  const sig = signDownload(SECRET, downloadId, expires);
  const variants = [
    `?expires=${expires}&signature=${sig}`,
    `?expires=${expires}&signature=${sig.toUpperCase()}`,
    `?expires=${expires}&expires=${expires}&signature=${sig}`,
    `?expires=${expires}&signature=${sig}&signature=${sig}`,
    `?expires=${expires}&signature=${sig.slice(0, 63)}`,
    `?expires=${expires}&signature=${sig}0`,
    `?expires=${expires + 1}&signature=${sig}`,
    `?expires=${'9'.repeat(13)}&signature=${sig}`,
    `?expires=-1&signature=${sig}`,
    `?expires=1e3&signature=${sig}`,
    `?expires=&signature=`,
    `?expires[]=1&signature[x]=2`,
    `?signature=${sig}`,
    `?expires=${expires}`,
    `?expires=%FF&signature=%00`,
    '',
  ];
  return pick(variants);
}

const JUNK_QUERIES = [
  '',
  '?',
  '?&',
  '?=',
  '?a',
  '?a=1&a=2&a=3',
  '?%',
  '?%zz=1',
  '?%FF=%FF',
  '?a=%00',
  '?__proto__[x]=1',
  '?constructor[prototype][x]=1',
  `?${'a=1&'.repeat(500)}`,
  `?q=${'x'.repeat(3000)}`,
  '?limit=1&limit=2',
  '?status=abc',
  '?since=yesterday',
  '?limit=0',
  '?limit=-5',
  '?limit=99999999999999999999',
  '?session_id=a&session_id=b',
  '?status=200',
  '?since=2026-01-01T00:00:00Z',
  '?since=2026-01-01T00:00:00%2B99:99',
  '?x=%E2%80%AE',
  '?#frag',
];

/** A session and one of its downloads, with the key of their account (half the time), else a free choice. */
const PAIRS = [
  { session: SESSION, download: 'dl-a', key: KEYS.acme },
  { session: SESSION, download: 'dl-b', key: KEYS.acme },
  { session: SESSION, download: 'dl-c', key: KEYS.acme },
  { session: OTHER_SESSION, download: 'dl-g', key: KEYS.globex },
];
let ownerKey: string | undefined;
function pair(): [string, string] {
  if (chance(0.5)) {
    const p = pick(PAIRS);
    ownerKey = p.key;
    return [encodeURIComponent(p.session), encodeURIComponent(p.download)];
  }
  return [segment('session'), segment('download')];
}

function path(): string {
  const template = pick([
    'list',
    'list',
    'list',
    'fetch',
    'file',
    'file',
    'signed',
    'signed',
    'admin',
    'admin',
    'health',
    'openapi',
    'docs',
    'random',
  ] as const);
  let p: string;
  switch (template) {
    case 'list':
      p = `/v1/sessions/${segment('session')}/downloads`;
      break;
    case 'fetch': {
      const [session, download] = pair();
      p = `/v1/sessions/${session}/downloads/${download}/fetch`;
      break;
    }
    case 'file': {
      const [session, download] = pair();
      p = `/sessions/${session}/downloads/${download}/fetch`;
      break;
    }
    case 'signed': {
      const id = chance(0.7) ? pick(DOWNLOADS) : segment('any');
      return `/signed-downloads/${encodeURIComponent(id)}${signedQuery(id)}`;
    }
    case 'admin':
      p = pick([
        '/_mock/state',
        '/_mock/requests',
        '/_mock/faults',
        `/_mock/faults/${pick(['f1', 'f999', segment('any')])}`,
        '/_mock/clock',
        '/_mock/reset',
        '/_mock/fixtures',
        '/_mock/',
        '/_mock',
        '/_mock/nope',
      ]);
      break;
    case 'health':
      p = '/_mock/health';
      break;
    case 'openapi':
      p = pick(['/openapi.json', '/openapi.yaml', '/openapi.xml', '/openapi']);
      break;
    case 'docs':
      p = pick([
        '/docs',
        '/docs/',
        '/docs/json',
        '/docs/yaml',
        '/docs/static/index.html',
        `/docs/static/${segment('any')}`,
      ]);
      break;
    default:
      p = `/${segment('any')}/${segment('any')}`;
  }
  // Mutations that must not reach a handler as something else.
  if (chance(0.08)) p += '/';
  if (chance(0.05)) p = p.replace('/', '//');
  if (chance(0.04)) p = p.replace(/\/([^/]+)\//, '/$1//');
  if (chance(0.04)) p = p.toUpperCase();
  if (chance(0.03)) p = `/v1/..${p}`;
  if (chance(0.25)) p += pick(JUNK_QUERIES);
  return p;
}

const huge = (n: number) => 'k'.repeat(n);

function headers(): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = {};
  if (ownerKey !== undefined && chance(0.7)) h['anchor-api-key'] = ownerKey;
  else if (chance(0.7)) {
    h['anchor-api-key'] = pick<string | string[]>([
      KEYS.acme,
      KEYS.acme,
      KEYS.acme,
      KEYS.globex,
      KEYS.tight,
      'ak_not_a_key',
      '',
      ' ',
      `${KEYS.acme} `,
      KEYS.acme.toUpperCase(),
      huge(8 * 1024),
      [KEYS.acme, KEYS.acme],
      [KEYS.acme, KEYS.globex],
      [KEYS.acme, 'ak_bad', KEYS.globex],
      'Bearer ak_test_acme',
      '%61k_test_acme',
    ]);
  }
  if (chance(0.2)) {
    h.prefer = pick([
      'code=200',
      'code=401',
      'code=404',
      'code=429',
      'code=500',
      'code=',
      'code=abc',
      'code="404"',
      'code=404;x',
      'wait=1, code=401',
      'respond-async',
      ';;;',
      'code=200, code=500',
      `code=${'9'.repeat(400)}`,
      'CODE=404',
      'code = 429',
      'code=4O4',
      huge(8000),
    ]);
  }
  if (chance(0.2)) {
    h.range = pick([
      'bytes=0-0',
      'bytes=0-',
      'bytes=-1',
      'bytes=-0',
      'bytes=5-1',
      'bytes=a-b',
      'bytes=0-0,1-1',
      'bytes=0-1,0-1,0-1',
      'items=0-1',
      'bytes=',
      'bytes=99999999999999999999-',
      'bytes=0-99999999999999999999',
      'bytes=--1',
      '=0-1',
      'bytes=0-0'.repeat(500),
      'Bytes=0-1',
      'bytes=1-2 ',
    ]);
  }
  if (chance(0.1)) h['if-range'] = pick(['"nope"', 'W/"x"', 'Thu, 01 Jan 1970 00:00:00 GMT', '', '*']);
  if (chance(0.15)) {
    h['if-none-match'] = pick([
      '*',
      '"abc"',
      'W/"abc"',
      '""',
      'junk',
      '"a", "b", *',
      ',,,',
      huge(8000),
      '"'.repeat(100),
    ]);
  }
  if (chance(0.05)) h['if-modified-since'] = pick(['yesterday', 'Thu, 01 Jan 1970 00:00:00 GMT', '9'.repeat(50)]);
  if (chance(0.08)) h['x-junk'] = huge(pick([100, 4000, 8 * 1024]));
  if (chance(0.05)) h['x-dup'] = ['a', 'b', 'c'];
  if (chance(0.05)) h.authorization = pick(['Bearer', 'Bearer ', 'Bearer x', 'Basic Zm9vOmJhcg==', huge(6000)]);
  if (chance(0.05)) h.accept = pick(['application/xml', '*/*;q=0', 'text/html', huge(2000)]);
  if (chance(0.03)) h['accept-encoding'] = pick(['gzip', 'br;q=1, gzip;q=0', 'junk']);
  return h;
}

// ---- admin bodies -------------------------------------------------------------

const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const name = String.fromCharCode(97 + i);
    const prev = String.fromCharCode(96 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return lines.join('\n');
}
const validDownload = {
  original_download_url: 'https://e.com/a',
  origin_url: 'https://e.com/',
  original_file_name: 'a.txt',
  size: 1,
};

const JSON_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e300,
  -1e300,
  '',
  'x',
  [],
  [[]],
  {},
  { accounts: null },
  { accounts: 5 },
  { accounts: 'acme' },
  { accounts: [1, 'a', null] },
  { accounts: [{}] },
  { accounts: [{ id: 5 }] },
  { accounts: [{ id: '' }] },
  { accounts: [{ id: 'a/b' }] },
  { accounts: [{ id: 'x'.repeat(300) }] },
  { accounts: [{ id: 'fz', api_keys: ['short'] }] },
  { accounts: [{ id: 'fz', api_keys: [KEYS.acme] }] },
  {
    accounts: [{ id: 'fz', api_keys: [{ key: 'ak_fuzz_12345', rate_limit: { capacity: 0, refill_per_second: -1 } }] }],
  },
  { accounts: [{ id: 'fz', sessions: [{ id: SESSION }] }] },
  { accounts: [{ id: 'fz', sessions: [{ downloads: [{}] }] }] },
  { accounts: [{ id: 'fz', sessions: [{ downloads: [{ ...validDownload, id: 'dl-a' }] }] }] },
  { accounts: [{ id: 'fz', sessions: [{ downloads: [{ ...validDownload, size: -1 }] }] }] },
  { accounts: [{ id: 'fz', sessions: [{ downloads: [{ ...validDownload, size: 1e300 }] }] }] },
  { accounts: [{ id: 'fz', sessions: [{ downloads: [{ ...validDownload, content: { file: '/etc/passwd' } }] }] }] },
  { accounts: [{ id: 'fz', sessions: [{ downloads: [{ ...validDownload, content: { base64: '!!!' } }] }] }] },
  {
    accounts: [
      { id: 'fz', sessions: [{ downloads: [{ ...validDownload, original_download_url: 'javascript:alert(1)' }] }] },
    ],
  },
  { accounts: [{ id: 'fz', sessions: [{ created_at: 'yesterday' }] }] },
  {
    accounts: [
      {
        id: 'fz-ok',
        api_keys: ['ak_fuzz_valid_key'],
        sessions: [{ id: 'fz-s', downloads: [{ ...validDownload, id: 'fz-d' }] }],
      },
    ],
  },
  { accounts: [], extra: 1 },
  { accounts: [] },
  // fault-rule shapes (never an error rule: those would cut later connections)
  { status: 503, times: 1 },
  { status: 200 },
  { status: '500' },
  { status: 503, error: 'reset' },
  { error: 'explode' },
  { method: 'G ET', status: 500 },
  { path: 'no-slash', status: 500 },
  { path: '*', status: 404, times: 0 },
  { status: 503, headers: { 'bad header': 'x' } },
  { status: 503, headers: { ok: 5 } },
  { delay_ms: -1 },
  { delay_ms: 1e12 },
  { delay_ms: 1.5 },
  { api_key: '' },
  { session_id: '' },
  { status: 503, times: 1.5 },
  { status: 503, unknown: true },
  // clock shapes
  { advance_ms: 0 },
  { advance_ms: -1 },
  { advance_ms: '5' },
  { advance_ms: 1e300 },
  { advance_ms: 9e15 },
  { advance_ms: 8.64e15 },
  { advance_ms: Number.MAX_SAFE_INTEGER },
  { advance_ms: 1000 },
  { now: 'now' },
  { now: '2026-01-01T00:00:00Z', advance_ms: 1 },
  { now: '9999-12-31T23:59:59.999Z' },
  { now: '0000-01-01T00:00:00Z' },
  { now: '2026-02-30T00:00:00Z' },
  { now: '2026-01-01T00:00:00+14:00' },
  { mode: 'fast' },
  { mode: 'manual' },
  { mode: 'real' },
  { mode: null },
];

function adminBody(): { body: string | Buffer; contentType: string | undefined } {
  const r = draw.random();
  if (r < 0.55)
    return {
      body: JSON.stringify(pick(JSON_VALUES)),
      contentType: pick(['application/json', 'application/json; charset=utf-8', 'application/JSON']),
    };
  if (r < 0.65) {
    return {
      body: pick([
        'accounts: [\n  - id: a\n',
        'accounts:\n\t- id: x',
        ': :',
        '- - -',
        'accounts: *nope',
        'a: &a 1\na: 2',
        '%YAML 9.9\n---\n',
        '{accounts: [}',
        'accounts: []\n__proto__:\n  x: 1',
      ]),
      contentType: pick(['application/yaml', 'text/yaml', 'application/x-yaml', 'text/plain', 'text/x-yaml']),
    };
  }
  if (r < 0.75)
    return {
      body: pick([
        '{',
        '{"accounts":',
        '[1,]',
        '{"a":1,}',
        "{'a':1}",
        'NaN',
        '\u0000',
        '{"__proto__":{"x":1}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '\uFEFF{}',
      ]),
      contentType: 'application/json',
    };
  if (r < 0.85) return { body: '', contentType: pick(['application/json', 'application/yaml', undefined]) };
  return {
    body: pick(['{}', '<xml/>', 'a=1&b=2', '\u00ff\u00fe']),
    contentType: pick([
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'application/json-patch+json',
      '',
      ';;;',
    ]),
  };
}

// ---- raw requests -----------------------------------------------------------------

const CRLF = '\r\n';
function rawRequest(): Case {
  const method = pick(['GET', 'GET', 'HEAD', 'FOO', 'get', 'G\tET', 'PROPFIND', 'CONNECT', 'PRI', 'GET GET', '']);
  const target = pick([
    `/v1/sessions/${SESSION}/downloads`,
    `/v1/sessions/béré/downloads`,
    '/v1/sessions/報告/downloads',
    `/v1/sessions/a b/downloads`,
    '/v1/sessions/\u0001/downloads',
    '*',
    'http://127.0.0.1/_mock/health',
    `/sessions/${SESSION}/downloads/dl-b/fetch`,
    '/_mock/health',
    '',
    '/%',
    '//',
    `/${'x'.repeat(9000)}`,
    '/_mock/health#frag',
  ]);
  const version = pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'HTTP/9', 'http/1.1', '']);
  const lines = [`${method} ${target} ${version}`.trimEnd(), 'Host: 127.0.0.1'];
  const extra = pick([
    'anchor-api-key: ak_tést',
    'anchor-api-key: ak_test_acme\u00ff',
    'anchor-api-key: 報告',
    `anchor-api-key: ${KEYS.acme}`,
    'anchor-api-key: ak_\u0000x',
    'x-nul: a\u0000b',
    'no-colon-here',
    ' folded: continuation',
    'x-a: 1\r\n  continued',
    'Content-Length: 1\r\nContent-Length: 2',
    'Content-Length: -1',
    'Transfer-Encoding: chunked\r\nContent-Length: 3',
    'Transfer-Encoding: gzip',
    `x-big: ${'b'.repeat(20 * 1024)}`,
    `x-ok: ${'b'.repeat(8 * 1024)}`,
    'Prefer: code=429',
    'Range: bytes=0-0',
    ': empty-name',
    'x y: z',
    '',
  ]);
  if (extra) lines.push(extra);
  lines.push('Connection: close');
  const text = lines.join(CRLF) + CRLF + CRLF;
  // Bytes as written: UTF-8 for the non-Latin-1 characters, Latin-1 for the rest (ak_t\xe9st).
  const raw = [...text].some((ch) => ch.charCodeAt(0) > 0xff) ? Buffer.from(text, 'utf8') : Buffer.from(text, 'latin1');
  return {
    label: 'raw',
    transport: 'raw',
    method: method.toUpperCase(),
    path: target,
    headers: { raw: extra.slice(0, 80) },
    raw,
  };
}

function randomCase(): Case {
  if (chance(0.12)) return rawRequest();
  ownerKey = undefined;
  const p = path();
  const method = pick([
    'GET',
    'GET',
    'GET',
    'GET',
    'GET',
    'HEAD',
    'HEAD',
    'POST',
    'POST',
    'PUT',
    'DELETE',
    'DELETE',
    'PATCH',
    'OPTIONS',
    'PROPFIND',
    'SEARCH',
    'MKCOL',
  ]);
  const h = headers();
  const c: Case = { label: 'random', transport: 'http', method, path: p, headers: h };
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || (method === 'DELETE' && chance(0.2))) {
    const { body, contentType } = adminBody();
    c.body = body;
    if (contentType !== undefined) h['content-type'] = contentType;
  }
  return c;
}

/** Known-nasty inputs, each tried once, before the random cases. */
function corpus(): Case[] {
  const post = (path: string, body: string | Buffer, contentType?: string): Case => ({
    label: 'corpus',
    transport: 'http',
    method: 'POST',
    path,
    body,
    headers: contentType ? { 'content-type': contentType } : {},
  });
  const raw = (text: string): Case => ({
    label: 'corpus raw',
    transport: 'raw',
    method: text.split(' ')[0] ?? '',
    path: text.split(' ')[1] ?? '',
    headers: {},
    raw: Buffer.from(text, 'latin1'),
  });
  const cases: Case[] = [];
  for (const route of ['/_mock/fixtures', '/_mock/faults', '/_mock/clock']) {
    cases.push(
      post(route, deepArray(10_000), 'application/json'),
      post(route, `{"accounts":${deepArray(10_000)}}`, 'application/json'),
      post(route, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, 'application/json'),
      post(route, JSON.stringify({ accounts: Array(200_000).fill(1) }), 'application/json'),
      post(route, JSON.stringify({ accounts: Array(20_000).fill({}) }), 'application/json'),
      post(route, '{"accounts":[],"__proto__":{"polluted":1}}', 'application/json'),
      post(route, '{"status":503,"constructor":{"prototype":{"polluted":1}}}', 'application/json'),
      post(route, '', 'application/json'),
      post(route, '{}', 'text/html'),
      post(route, Buffer.from([0xff, 0xfe, 0x00]), undefined),
      post(route, deepArray(5_000), 'application/yaml'),
      post(route, `accounts: ${deepArray(2_000)}`, 'application/yaml'),
      post(route, billionLaughs(), 'application/yaml'),
      post(route, 'accounts: [\n  - id: a\n', 'application/yaml'),
      post(route, 'x'.repeat(11 * 1024 * 1024), 'application/json'),
    );
  }
  cases.push(
    post('/_mock/clock', '{"advance_ms": 9e15}', 'application/json'),
    post('/_mock/clock', '{"advance_ms": 1e300}', 'application/json'),
    raw(`GET /_mock/health HTTP/1.1${CRLF}Connection: close${CRLF}${CRLF}`),
    raw(`FOO /v1/sessions/${SESSION}/downloads HTTP/1.1${CRLF}Host: x${CRLF}Connection: close${CRLF}${CRLF}`),
    raw(
      `GET /v1/sessions/${SESSION}/downloads HTTP/1.1${CRLF}Host: x${CRLF}anchor-api-key: ak_t\u00e9st${CRLF}Connection: close${CRLF}${CRLF}`,
    ),
    raw(
      `GET /v1/sessions/${SESSION}/downloads HTTP/1.1${CRLF}Host: x${CRLF}x-big: ${'b'.repeat(20_000)}${CRLF}Connection: close${CRLF}${CRLF}`,
    ),
    raw(`OPTIONS * HTTP/1.1${CRLF}Host: x${CRLF}Connection: close${CRLF}${CRLF}`),
  );
  return cases;
}

// ---- judging an answer -------------------------------------------------------------

const FILE_ROUTE = /^\/(sessions\/[^/?]+\/downloads\/[^/?]+\/fetch|signed-downloads\/[^/?]+)(\?|$)/;
const LIST_ROUTE = /^\/v1\/sessions\/[^/?]+\/downloads(\?|$)/;
const FETCH_ROUTE = /^\/v1\/sessions\/[^/?]+\/downloads\/[^/?]+\/fetch(\?|$)/;

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/** undefined when the answer is acceptable, else why not. */
function judge(c: Case, o: Outcome): string | undefined {
  if (o.kind === 'error') return `no answer: ${o.error}`;
  const { status, headers: h, body } = o;
  const head = c.method === 'HEAD';
  const contentType = String(h['content-type'] ?? '');
  if (status >= 500 || status < 200) return `status ${status}`;
  if (status >= 400) {
    if (contentType !== JSON_CONTENT_TYPE) return `${status} with content-type "${contentType}"`;
    if (head) return body.length === 0 ? undefined : 'HEAD answer has a body';
    const parsed = parseJson(body);
    if (!parsed.ok) return `${status} body is not JSON`;
    const v = parsed.value as { error?: { code?: unknown; message?: unknown } };
    const keys = v && typeof v === 'object' ? Object.keys(v) : [];
    const errorKeys = v?.error && typeof v.error === 'object' ? Object.keys(v.error) : [];
    if (keys.length !== 1 || keys[0] !== 'error') return `${status} body is not {"error":…}`;
    if (v.error?.code !== status) return `error.code ${String(v.error?.code)} differs from the status ${status}`;
    if (typeof v.error?.message !== 'string' || v.error.message === '')
      return 'error.message is not a non-empty string';
    if (errorKeys.some((k) => !['code', 'message', 'problems'].includes(k)))
      return `unexpected error fields ${errorKeys.join(',')}`;
    return undefined;
  }
  // An absolute-form target (GET http://host/path) is routed by its path.
  const path = c.path.replace(/^https?:\/\/[^/]*/i, '');
  if (status >= 300) {
    if (status === 304 && FILE_ROUTE.test(path)) return undefined;
    if (path.startsWith('/docs') && (status === 301 || status === 302)) return undefined;
    return `unexpected ${status}`;
  }
  // 2xx
  if (FILE_ROUTE.test(path)) {
    if (status !== 200 && status !== 206) return `file route answered ${status}`;
    if (!h.etag) return 'file answer without an etag';
    if (!head && Number(h['content-length']) !== body.length)
      return `content-length ${String(h['content-length'])} but ${body.length} bytes`;
    if (status === 206 && !/^bytes \d+-\d+\/\d+$/.test(String(h['content-range'])))
      return `206 with content-range "${String(h['content-range'])}"`;
    return undefined;
  }
  if (LIST_ROUTE.test(path) && c.method === 'GET') {
    if (status !== 200) return `list answered ${status}`;
    if (contentType !== JSON_CONTENT_TYPE) return `list with content-type "${contentType}"`;
    const parsed = parseJson(body);
    if (!parsed.ok) return 'list body is not JSON';
    const problems = contractProblems(200, parsed.value);
    return problems.length > 0 ? `list body breaks the contract: ${problems.slice(0, 3).join('; ')}` : undefined;
  }
  if ((LIST_ROUTE.test(path) || FETCH_ROUTE.test(path)) && head) {
    if (status !== 200 || contentType !== JSON_CONTENT_TYPE)
      return `HEAD answered ${status} with content-type "${contentType}"`;
    return body.length === 0 ? undefined : 'HEAD answer has a body';
  }
  if (FETCH_ROUTE.test(path) && c.method === 'GET') {
    const parsed = parseJson(body);
    const data = parsed.ok ? (parsed.value as { data?: { status?: unknown; SignedUrl?: unknown } }).data : undefined;
    return status === 200 && data?.status === 'success' && typeof data.SignedUrl === 'string'
      ? undefined
      : `fetch answered ${status}: ${body.toString('utf8').slice(0, 200)}`;
  }
  if (path.startsWith('/_mock') || path.startsWith('/openapi')) {
    if (status === 204 || head) return body.length === 0 ? undefined : `${status} with a body`;
    if (!contentType.startsWith('application/json') && !contentType.startsWith('application/yaml'))
      return `${status} with content-type "${contentType}"`;
    if (contentType.startsWith('application/json') && !parseJson(body).ok) return `${status} body is not JSON`;
    return undefined;
  }
  if (path.startsWith('/docs')) return undefined;
  return `unexpected ${status} for ${c.method} ${path.slice(0, 100)}`;
}

// ---- running ------------------------------------------------------------------------

function describe(c: Case, o: Outcome, why: string) {
  const headerSummary = Object.entries(c.headers)
    .map(
      ([k, v]) =>
        `${k}: ${JSON.stringify(v).slice(0, 40)}${JSON.stringify(v).length > 40 ? `…(${JSON.stringify(v).length})` : ''}`,
    )
    .join('; ');
  return {
    why,
    case: c.label,
    method: c.method,
    path: c.path.length > 160 ? `${c.path.slice(0, 160)}…(${c.path.length} chars)` : c.path,
    headers: headerSummary,
    body:
      c.body === undefined
        ? undefined
        : `${c.body.toString().slice(0, 80)}${c.body.length > 80 ? `…(${c.body.length})` : ''}`,
    status: o.kind === 'answer' ? o.status : undefined,
    answer: o.kind === 'answer' ? o.body.toString('utf8').slice(0, 200) : o.error,
  };
}

t.test(
  `fuzz: a corpus of nasty inputs and ${CASES} seeded random requests never get a 5xx, a hang or a broken envelope (seed ${SEED})`,
  async (t) => {
    const server: RunningServer = await startServer({
      host: '127.0.0.1',
      port: 0,
      db: ':memory:',
      fixtures: [{ name: 'small world', document: smallWorld }],
      // Big enough never to answer 429 (except the tight key's own bucket), so the fuzz reaches the routes.
      rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
      signingSecret: SECRET,
      signedUrlTtlSeconds: 3600,
    });
    t.teardown(() => server.app.close());
    const port = (server.app.server.address() as { port: number }).port;
    const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
    t.teardown(() => agent.destroy());

    const failures: Array<ReturnType<typeof describe>> = [];
    let answered = 0;
    const skipped: string[] = [];
    const statuses = new Map<number, number>();

    const send = (c: Case): Promise<Outcome> =>
      c.transport === 'raw'
        ? rawCall(port, c.raw!, { timeoutMs: CASE_TIMEOUT_MS, headOnly: c.method === 'HEAD' })
        : httpCall({
            port,
            method: c.method,
            path: c.path,
            headers: c.headers,
            body: c.body,
            timeoutMs: CASE_TIMEOUT_MS,
            agent,
          });

    const run = async (c: Case) => {
      const outcome = await send(c);
      if (outcome.kind === 'error' && outcome.error.startsWith(CLIENT_REFUSED)) {
        // The generator's fault, not the server's: counted, not judged.
        skipped.push(`${c.method} ${c.path.slice(0, 80)}: ${outcome.error}`);
        return;
      }
      if (outcome.kind === 'answer') {
        answered++;
        statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
      }
      const why = judge(c, outcome);
      if (why !== undefined) failures.push(describe(c, outcome, why));
    };

    // After an admin call: no fault rule may linger (DELETE, as a suite would),
    // and clock and data go back to the start, so each failure is its own case's.
    const cleanUp = async () => {
      const res = await httpCall({ port, method: 'DELETE', path: '/_mock/faults', timeoutMs: CASE_TIMEOUT_MS, agent });
      if (res.kind !== 'answer' || res.status !== 204)
        failures.push(
          describe(
            { label: 'cleanup', transport: 'http', method: 'DELETE', path: '/_mock/faults', headers: {} },
            res,
            'DELETE /_mock/faults did not answer 204',
          ),
        );
      const mock = server.app.mock;
      mock.clock.setMode('real');
      mock.clock.set(Date.now());
      mock.reset();
    };

    const cases = [...corpus(), ...Array.from({ length: CASES }, randomCase)];
    const startedAt = Date.now();
    const inFlight = new Set<Promise<void>>();
    for (const c of cases) {
      if (isAdminMutation(c) || c.transport === 'raw' || c.label.startsWith('corpus')) {
        await Promise.all(inFlight);
        await run(c);
        if (isAdminMutation(c)) await cleanUp();
        continue;
      }
      const p = run(c).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= PARALLEL) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const took = Date.now() - startedAt;

    t.comment(
      `seed ${SEED}: ${cases.length} cases (${cases.length - CASES} corpus + ${CASES} random) in ${took} ms; ${answered} answered; ${skipped.length} not sendable by node:http; ${failures.length} failures`,
    );
    t.comment(
      `statuses: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
    const health = await httpCall({ port, path: '/_mock/health', timeoutMs: CASE_TIMEOUT_MS });
    t.match(health, { kind: 'answer', status: 200 }, 'after all cases /_mock/health still answers 200');
    // Distinct kinds of failure with their counts, then the first 20 in full.
    const kinds = new Map<string, number>();
    for (const f of failures) {
      const route = f.path
        .replace(/^https?:\/\/[^/]*/i, '')
        .split(/[/?]/)
        .slice(0, 3)
        .join('/')
        .slice(0, 40);
      const kind = `${f.why.replace(/\d{4,}/g, 'N').slice(0, 120)} | ${f.method} ${route}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    t.same(
      failures.slice(0, 20),
      [],
      `${failures.length} of ${cases.length} cases got a 5xx, no answer or a broken envelope (seed ${SEED}; first 20 shown)`,
      { kinds: Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1])) },
    );
  },
);

t.test('a clock move past the largest date is refused in the envelope and leaves the mock working', async (t) => {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    db: ':memory:',
    fixtures: [{ name: 'small world', document: smallWorld }],
    rateLimit: false,
    signedUrlTtlSeconds: 3600,
  });
  t.teardown(() => server.app.close());
  const port = (server.app.server.address() as { port: number }).port;
  const json = { 'content-type': 'application/json' };
  const status = (o: Outcome) => (o.kind === 'answer' ? o.status : o.error);

  // 9e15 ms from now is past 8.64e15, the last instant a Date can hold.
  const move = await httpCall({
    port,
    method: 'POST',
    path: '/_mock/clock',
    headers: json,
    body: '{"advance_ms": 9e15}',
  });
  t.equal(status(move), 400, 'POST /_mock/clock {"advance_ms": 9e15} answers 400', {
    answer: move.kind === 'answer' ? move.body.toString() : move,
  });
  t.equal(status(await httpCall({ port, path: '/_mock/clock' })), 200, 'GET /_mock/clock still answers 200');

  // A download loaded without created_at takes the clock's time.
  const load = await httpCall({
    port,
    method: 'POST',
    path: '/_mock/fixtures',
    headers: json,
    body: JSON.stringify({
      accounts: [{ id: 'late', api_keys: ['ak_late_key_1'], sessions: [{ id: 'late-s', downloads: [validDownload] }] }],
    }),
  });
  t.equal(status(load), 201, 'a load after it answers 201');
  const list = await httpCall({
    port,
    path: '/v1/sessions/late-s/downloads',
    headers: { 'anchor-api-key': 'ak_late_key_1' },
  });
  t.equal(status(list), 200, 'and its session lists with 200', {
    answer: list.kind === 'answer' ? list.body.toString() : list,
  });
  t.equal(
    status(
      await httpCall({ port, path: `/v1/sessions/${SESSION}/downloads`, headers: { 'anchor-api-key': KEYS.acme } }),
    ),
    200,
  );
  t.equal(status(await httpCall({ port, path: '/_mock/requests' })), 200, 'GET /_mock/requests answers 200');
});
