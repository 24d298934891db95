import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { JSON_CONTENT_TYPE } from '../../src/http/errors.js';
import { buildTestApp, expectContract, listUrl, SESSION } from '../helpers/app.js';

// Every error the emulated API can give goes out as {"error":{"code":N,"message":"…"}}.

const key = { 'anchor-api-key': 'ak_test_acme' };
const tight = { 'anchor-api-key': 'ak_test_tight' }; // capacity 2, 0.5 tokens/s

interface RawResponse {
  statusCode: number;
  reason: string;
  headers: Record<string, string>;
  body: string;
}

/** Sends raw bytes to the listening app and reads the answer until the server closes the connection. */
function rawExchange(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may close while we are still writing; what it answered is what counts.
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split === -1) return reject(new Error(`no complete response: ${JSON.stringify(text)}`));
      const [statusLine = '', ...headerLines] = text.slice(0, split).split('\r\n');
      const match = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(statusLine);
      if (!match) return reject(new Error(`bad status line: ${statusLine}`));
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        statusCode: Number(match[1]),
        reason: match[2]!,
        headers,
        body: Buffer.from(text.slice(split + 4), 'latin1').toString('utf8'),
      });
    });
    socket.on('connect', () => socket.write(request));
  });
}

async function listening(t: Test) {
  const built = await buildTestApp(t);
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...built, port: (built.app.server.address() as net.AddressInfo).port };
}

/** How many tokens the tight key has left, read from a list request (which takes one). */
async function tightRemaining(app: FastifyInstance) {
  const res = await app.inject({ url: listUrl(SESSION), headers: tight });
  return res.headers['x-ratelimit-remaining'];
}

t.test('an unknown path answers 404 in the envelope, without needing a key', async (t) => {
  const { app } = await buildTestApp(t);
  for (const url of ['/nope', '/v1/nothing-here', '/v1/sessions/x/downloads/extra', '/v2/sessions/x/downloads?x=1']) {
    const res = await app.inject({ url });
    const body = expectContract(t, res, 404);
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8', `${url}: content type`);
    t.type(body.error.message, 'string');
  }
  const withKey = await app.inject({ url: '/nope', headers: key });
  expectContract(t, withKey, 404);
  t.notOk(withKey.headers['x-ratelimit-limit'], 'no token taken for an unknown path');
});

t.test('a wrong method on a known path answers 405 with Allow: GET, HEAD', async (t) => {
  const { app } = await buildTestApp(t);
  const cases: Array<[string, string]> = [
    ['POST', '/v1/sessions/x/downloads'],
    ['PUT', '/v1/sessions/x/downloads'],
    ['DELETE', '/v1/sessions/x/downloads'],
    ['PATCH', '/v1/sessions/x/downloads'],
    ['POST', '/_mock/health'],
  ];
  for (const [method, url] of cases) {
    const res = await app.inject({ method: method as 'POST', url });
    expectContract(t, res, 405);
    t.equal(res.headers.allow, 'GET, HEAD', `${method} ${url}: allow`);
  }
});

t.test('a wrong method answers 405 whatever body it carries, not 415 for a type no route takes', async (t) => {
  const { app } = await buildTestApp(t);
  for (const [type, payload] of [
    ['application/xml', '<a/>'],
    ['application/json', '{"not": "parsed"'],
  ]) {
    const headers = { 'content-type': type! };
    const res = await app.inject({ method: 'POST', url: listUrl(SESSION), headers, payload });
    expectContract(t, res, 405);
    t.equal(res.headers.allow, 'GET, HEAD', type);
  }
});

t.test('405 needs no key: a bad key still gets 405', async (t) => {
  const { app } = await buildTestApp(t);
  for (const headers of [{ 'anchor-api-key': 'ak_nope_nope' }, { 'anchor-api-key': '' }, key]) {
    const res = await app.inject({ method: 'POST', url: listUrl(SESSION), headers });
    expectContract(t, res, 405);
    t.equal(res.headers.allow, 'GET, HEAD');
  }
});

t.test('405 takes no token from the bucket', async (t) => {
  const { app } = await buildTestApp(t);
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'POST'] as const) {
    const res = await app.inject({ method, url: listUrl(SESSION), headers: tight });
    expectContract(t, res, 405);
    t.notOk(res.headers['x-ratelimit-limit'], `${method}: no rate-limit headers`);
  }
  t.equal(await tightRemaining(app), '1', 'both tokens were still there');
  t.equal(await tightRemaining(app), '0');
});

t.test('a malformed URL answers 400 in the envelope', async (t) => {
  const { app } = await buildTestApp(t);
  for (const url of ['/v1/sessions/%E0%A4%A/downloads', '/v1/sessions/%zz/downloads']) {
    const res = await app.inject({ url, headers: key });
    expectContract(t, res, 400);
  }
});

t.test('a querystring that fails validation answers 400 in the envelope', async (t) => {
  const { app } = await buildTestApp(t);
  // expires and signature are single strings; a repeated one is an array.
  const res = await app.inject({ url: '/signed-downloads/dl-b?expires=1&expires=2&signature=abc' });
  const body = expectContract(t, res, 400);
  t.match(body.error.message, /expires/, 'the message names the field');
});

t.test('an unexpected exception answers 500 with a generic message and no details', async (t) => {
  const { app, store } = await buildTestApp(t);
  store.listDownloads = () => {
    throw new Error('secret detail');
  };
  const res = await app.inject({ url: listUrl(SESSION), headers: key });
  t.same(expectContract(t, res, 500), { error: { code: 500, message: 'Internal server error.' } });
  t.notMatch(res.body, /secret detail/);
});

t.test('a closed database answers 500 with a generic message and no details', async (t) => {
  const { app, store } = await buildTestApp(t);
  store.db.close();
  const res = await app.inject({ url: listUrl(SESSION), headers: key });
  t.same(expectContract(t, res, 500), { error: { code: 500, message: 'Internal server error.' } });
  t.notMatch(res.body, /database|sqlite|not open/i);
});

t.test('while shutting down every request answers 503 in the envelope with connection: close', async (t) => {
  const { app } = await buildTestApp(t);
  app.mock.closing = true;
  for (const [url, headers] of [
    [listUrl(SESSION), key],
    ['/_mock/health', {}],
    ['/nope', {}],
  ] as const) {
    const res = await app.inject({ url, headers });
    expectContract(t, res, 503);
    t.equal(res.headers.connection, 'close', `${url}: connection close`);
    t.notOk(res.headers['x-ratelimit-limit'], `${url}: no token taken`);
  }
});

t.test('over real HTTP, an unknown method answers 400 in the envelope', async (t) => {
  const { port } = await listening(t);
  const res = await rawExchange(port, 'FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  expectContract(t, res, 400);
  t.equal(res.headers['content-length'], String(Buffer.byteLength(res.body)));
});

t.test('over real HTTP, a malformed request line answers 400 in the envelope', async (t) => {
  const { port } = await listening(t);
  for (const request of [
    'GET\r\n\r\n',
    'GET / HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n',
    'this is not http\r\n\r\n',
  ]) {
    const res = await rawExchange(port, request);
    expectContract(t, res, 400);
  }
});

t.test('over real HTTP, headers larger than 16 KB answer 431 in the envelope', async (t) => {
  const { port } = await listening(t);
  const res = await rawExchange(
    port,
    `GET /v1/sessions/x/downloads HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
  );
  expectContract(t, res, 431);
  t.equal(res.reason, 'Request Header Fields Too Large');
});

t.test('over real HTTP, two anchor-api-key headers answer 401 in the envelope', async (t) => {
  const { port } = await listening(t);
  const res = await rawExchange(
    port,
    'GET /v1/sessions/sess-1/downloads HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'anchor-api-key: ak_test_acme\r\nanchor-api-key: ak_test_acme\r\nConnection: close\r\n\r\n',
  );
  t.same(expectContract(t, res, 401), { error: { code: 401, message: 'Invalid or missing API key.' } });
});

t.test('over real HTTP, the same request with one key answers 200', async (t) => {
  const { port } = await listening(t);
  const res = await rawExchange(
    port,
    'GET /v1/sessions/sess-1/downloads HTTP/1.1\r\nHost: 127.0.0.1\r\nanchor-api-key: ak_test_acme\r\nConnection: close\r\n\r\n',
  );
  expectContract(t, res, 200);
  t.equal(res.headers['content-type'], JSON_CONTENT_TYPE);
});

/** A request whose error message repeats part of it, and the status it gets. */
interface QuoteCase {
  what: string;
  status: number;
  url: string;
  method?: 'POST' | 'DELETE';
  headers?: Record<string, string>;
  payload?: string;
}

t.test('messages quoting the request cut it at 200 characters: a 10,000-character id is no 10 KB error', async (t) => {
  const { app, port } = await listening(t);
  const long = 'x'.repeat(10_000);
  const cases: QuoteCase[] = [
    // Past the router's longest parameter, an id is a malformed request.
    { what: 'a session id', status: 400, url: listUrl(long), headers: key },
    { what: 'a download id', status: 400, url: `/sessions/${SESSION}/downloads/${long}/fetch`, headers: key },
    { what: 'a signed URL id', status: 400, url: `/signed-downloads/${long}?expires=1&signature=ab` },
    { what: 'an unknown path', status: 404, url: `/nope/${long}` },
    { what: 'a bad percent-encoding', status: 400, url: `/v1/sessions/%E0%A4%A${long}/downloads` },
    { what: 'a Prefer code', status: 400, url: listUrl(SESSION), headers: { ...key, prefer: `code=${long}` } },
    { what: 'an unknown query parameter', status: 400, url: `/_mock/requests?${long}=1` },
    // Within the router's limit, so the route's own 404 answers.
    { what: 'a fault rule id', status: 404, url: `/_mock/faults/${long.slice(0, 1000)}`, method: 'DELETE' },
    {
      what: 'a header name in a fault rule',
      status: 400,
      url: '/_mock/faults',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 500, headers: { [`${long} `]: '1' } }),
    },
    {
      what: 'a content-type',
      status: 415,
      url: '/_mock/faults',
      method: 'POST',
      headers: { 'content-type': `application/${long}` },
      payload: '{}',
    },
  ];
  for (const { what, status, ...request } of cases) {
    const res = await app.inject(request);
    const body = expectContract(t, res, status);
    const message: string = body.error.message;
    t.ok(res.body.length < 500, `${what}: ${res.body.length} bytes`);
    t.match(message, /x… \(\d+ characters\)/, `${what}: cut, and marked with the length`);
    t.ok(message.length > 200, `${what}: about 200 characters of it are kept`);
    t.notOk(message.includes('x'.repeat(201)), `${what}: no more than 200`);
  }

  // The list also has a path in front of Fastify's router (the fast path): the same answer over HTTP.
  const viaSocket = await fetch(`http://127.0.0.1:${port}${listUrl(long)}`, { headers: key });
  const viaInject = await app.inject({ url: listUrl(long), headers: key });
  t.equal(viaSocket.status, 400);
  t.equal(await viaSocket.text(), viaInject.body, 'over HTTP, the same cut message');
});

t.test('a quoted piece never ends on half a UTF-16 surrogate pair', async (t) => {
  const { app } = await buildTestApp(t);
  // A decoded id whose 200th UTF-16 unit is the first half of an emoji.
  const id = `${'x'.repeat(199)}${'😀'.repeat(10)}`;
  const res = await app.inject({ method: 'DELETE', url: `/_mock/faults/${encodeURIComponent(id)}` });
  const message: string = expectContract(t, res, 404).error.message;
  t.equal(message, `No fault rule with id "${'x'.repeat(199)}… (219 characters)".`);
  t.notOk(message.includes('\ufffd'), 'no replacement character');
});
