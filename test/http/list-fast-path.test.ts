import http, { createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import t from 'tap';
import type { MockContext } from '../../src/domain/mock-context.js';
import { DownloadListCache } from '../../src/http/operations/download-list.js';
import { listFastPath } from '../../src/http/pipeline/list-fast-path.js';
import type { Store } from '../../src/store/store.js';
import { buildTestApp, EMPTY_SESSION, expectContract, listUrl, OTHER_SESSION, SESSION } from '../helpers/app.js';

// The list route has two ways in: the fast path on the node:http server
// (real sockets) and the Fastify route (app.inject, and every request the fast
// path passes on). These tests hold the two to the same answers.

interface RawAnswer {
  statusCode: number;
  /** Name/value pairs in the order sent, without the ones only a socket has. */
  headers: string[];
  body: Buffer;
}

// Date and connection management come from Node's socket handling, not the route.
const SOCKET_ONLY = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function routeHeaders(rawHeaders: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!SOCKET_ONLY.has(name)) out.push(`${name}: ${rawHeaders[i + 1]}`);
  }
  return out;
}

/** The header block Node wrote for an injected request, as name/value pairs. */
function headerBlock(res: { raw: { res: unknown } }): string[] {
  const block = (res.raw.res as { _header?: string })._header ?? '';
  const lines = block.split('\r\n').slice(1).filter(Boolean);
  return routeHeaders(lines.flatMap((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
}

function httpCall(
  port: number,
  path: string,
  options: { method?: string; headers?: OutgoingHttpHeaders; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: routeHeaders(res.rawHeaders),
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

async function listen(app: Awaited<ReturnType<typeof buildTestApp>>['app']): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

const withoutDuration = (entries: Array<Record<string, unknown>>) =>
  entries.map(({ duration_ms: _d, ...rest }) => rest);

t.test('through a socket the list answers exactly as the Fastify route does, and journals the same', async (t) => {
  // Two mocks with the same fixtures, clock and buckets, asked the same things in the same order:
  // one through a socket (the fast path), the other through app.inject (the Fastify route).
  const viaSocket = await buildTestApp(t);
  const viaRoute = await buildTestApp(t);
  // Counts what reaches Fastify on the socket side: the list requests must not.
  const routed: string[] = [];
  viaSocket.app.addHook('onRequest', (request, _reply, done) => {
    routed.push(request.url);
    done();
  });
  const port = await listen(viaSocket.app);

  const asks: Array<{ what: string; session: string; key?: string; status: number }> = [
    { what: 'own session', session: SESSION, key: 'ak_test_acme', status: 200 },
    { what: 'empty session', session: EMPTY_SESSION, key: 'ak_test_acme', status: 200 },
    { what: "another account's session", session: OTHER_SESSION, key: 'ak_test_acme', status: 404 },
    { what: 'unknown session', session: 'sess-unknown', key: 'ak_test_acme', status: 404 },
    { what: 'no key', session: SESSION, status: 401 },
    { what: 'empty key', session: SESSION, key: '', status: 401 },
    { what: 'unknown key', session: SESSION, key: 'ak_nope_nope', status: 401 },
    { what: 'tight bucket, 1st', session: SESSION, key: 'ak_test_tight', status: 200 },
    { what: 'tight bucket, 2nd', session: SESSION, key: 'ak_test_tight', status: 200 },
    { what: 'tight bucket, empty', session: SESSION, key: 'ak_test_tight', status: 429 },
    { what: 'tight bucket, empty, unknown session', session: 'sess-unknown', key: 'ak_test_tight', status: 429 },
  ];
  const names = (headers: string[]) => headers.map((h) => h.slice(0, h.indexOf(':')));
  for (const ask of asks) {
    const headers = ask.key === undefined ? {} : { 'anchor-api-key': ask.key };
    const fast = await httpCall(port, listUrl(ask.session), { headers });
    const viaFastify = await viaRoute.app.inject({ url: listUrl(ask.session), headers });
    t.equal(fast.statusCode, ask.status, `${ask.what}: status`);
    t.same(fast.headers, headerBlock(viaFastify), `${ask.what}: the same headers in the same order`);
    t.ok(fast.body.equals(viaFastify.rawPayload), `${ask.what}: the same body bytes`);
    expectContract(
      t,
      {
        statusCode: fast.statusCode,
        headers: { 'content-type': fast.headers.find((h) => h.startsWith('content-type: '))?.slice(14) },
        body: fast.body.toString('utf8'),
      },
      ask.status,
    );
    const rateLimited = ask.status !== 401;
    t.same(
      names(fast.headers),
      [
        ...(rateLimited ? ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'] : []),
        ...(ask.status === 429 ? ['retry-after-ms', 'retry-after'] : []),
        'content-type',
        'content-length',
      ],
      `${ask.what}: these headers, in this order`,
    );
  }
  t.same(routed, [], 'no list request reached Fastify on the socket side');

  const fastJournal = viaSocket.app.mock.journal.list();
  t.equal(fastJournal.length, asks.length);
  t.same(
    withoutDuration(fastJournal as never),
    withoutDuration(viaRoute.app.mock.journal.list() as never),
    'the same journal entries',
  );
  t.match(fastJournal[0], {
    method: 'GET',
    path: listUrl(SESSION),
    session_id: SESSION,
    status: 200,
    forced: false,
    fault_id: null,
    key_fingerprint: 'ak_t…',
  });
});

/** A bare server that answers 599 whenever the fast path passes a request on. */
async function fastPathOnly(t: Test, mock: MockContext, onError: (err: unknown) => void = () => {}): Promise<number> {
  const fast = listFastPath(mock, new DownloadListCache(mock.store, mock.clock), onError);
  const server = createServer((req, res) => {
    if (!fast(req, res)) {
      req.resume();
      res.writeHead(599).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

t.test('the fast path takes only the everyday request and leaves the rest to Fastify', async (t) => {
  const { app } = await buildTestApp(t);
  const mock = app.mock;
  const port = await fastPathOnly(t, mock);
  const key = { 'anchor-api-key': 'ak_test_acme' };
  const handled = async (what: string, path: string, options: Parameters<typeof httpCall>[2] = {}) =>
    t.not(
      (await httpCall(port, path, { headers: key, ...options })).statusCode,
      599,
      `${what}: answered by the fast path`,
    );
  const passed = async (what: string, path: string, options: Parameters<typeof httpCall>[2] = {}) =>
    t.equal((await httpCall(port, path, { headers: key, ...options })).statusCode, 599, `${what}: left to Fastify`);

  await handled('a plain GET', listUrl(SESSION));
  await handled('an unknown key', listUrl(SESSION), { headers: { 'anchor-api-key': 'nope-nope' } });
  await handled('an id of 256 characters', listUrl('s'.repeat(256)));
  await passed('HEAD', listUrl(SESSION), { method: 'HEAD' });
  await passed('POST', listUrl(SESSION), { method: 'POST' });
  await passed('a query string', `${listUrl(SESSION)}?x=1`);
  await passed('a trailing slash', `${listUrl(SESSION)}/`);
  await passed('a percent-encoded id', listUrl('sess 1'));
  await passed('an id of 257 characters', listUrl('s'.repeat(257)));
  await passed('an empty id', '/v1/sessions//downloads');
  await passed('another path', '/v1/sessions/a/b/downloads');
  await passed('a Prefer header', listUrl(SESSION), { headers: { ...key, prefer: 'code=200' } });
  await passed('a request body', listUrl(SESSION), {
    headers: { ...key, 'content-type': 'text/plain', 'content-length': '1' },
    body: 'x',
  });
  await passed('a chunked request body', listUrl(SESSION), {
    headers: { ...key, 'transfer-encoding': 'chunked' },
    body: 'x',
  });

  const rule = mock.faults.add({ status: 503, path: '/elsewhere' });
  await passed('while a fault rule is set (any rule)', listUrl(SESSION));
  mock.faults.remove(rule.id);
  await handled('once the rules are gone', listUrl(SESSION));

  mock.closing = true;
  await passed('while closing', listUrl(SESSION));
  mock.closing = false;
});

t.test('with latency set every request goes through Fastify', async (t) => {
  const { app } = await buildTestApp(t, { latency: { min: 1, max: 1 } });
  const port = await fastPathOnly(t, app.mock);
  t.equal((await httpCall(port, listUrl(SESSION), { headers: { 'anchor-api-key': 'ak_test_acme' } })).statusCode, 599);
});

t.test('with per-request logging every request goes through Fastify, which logs it', async (t) => {
  const lines: string[] = [];
  const { app } = await buildTestApp(t, {
    requestLogging: true,
    logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } },
  });
  const port = await listen(app);
  const res = await httpCall(port, listUrl(SESSION), { headers: { 'anchor-api-key': 'ak_test_acme' } });
  t.equal(res.statusCode, 200);
  t.ok(
    lines.some((l) => l.includes('"request completed"') && l.includes('"statusCode":200')),
    'Fastify logged the request',
  );
});

/**
 * Makes every node:http server created until the test ends go through
 * `instrument`, as an APM agent that patches http.createServer would.
 */
function instrumentHttp(t: Test, instrument: (create: typeof http.createServer, args: unknown[]) => Server) {
  const original = http.createServer;
  http.createServer = ((...args: unknown[]) => instrument(original, args)) as typeof http.createServer;
  t.teardown(() => {
    http.createServer = original;
  });
}

t.test('buildApp refuses to start when another request listener sits beside Fastify on the server', async (t) => {
  instrumentHttp(t, (create, args) => {
    const server = (create as (...a: unknown[]) => Server)(...args);
    server.on('request', () => {});
    return server;
  });
  await t.rejects(buildTestApp(t), {
    message: /Fastify's request listener alone .* 2 request listener\(s\) \(Fastify's and 1 other\)/,
  });
});

t.test("buildApp refuses to start when something has wrapped Fastify's request listener", async (t) => {
  instrumentHttp(t, (create, args) => {
    const [options, listener] = args as [object, (req: IncomingMessage, res: unknown) => void];
    return (create as (...a: unknown[]) => Server)(options, (req: IncomingMessage, res: unknown) => listener(req, res));
  });
  await t.rejects(buildTestApp(t), {
    message: /Fastify's request listener alone .* 1 request listener\(s\) \(1 other\)/,
  });
});

/** Makes one store method throw, as a failing disk would, until the test ends. */
function breakStore(t: Test, store: Store, method: 'findKey' | 'findSession') {
  const original = store[method];
  store[method] = () => {
    throw new Error('disk on fire');
  };
  t.teardown(() => {
    store[method] = original as never;
  });
}

for (const broken of ['findKey', 'findSession'] as const) {
  t.test(
    `an unexpected error (${broken} fails) answers 500 as the route does, is reported and journaled alike`,
    async (t) => {
      const viaSocket = await buildTestApp(t);
      const viaRoute = await buildTestApp(t);
      const errors: unknown[] = [];
      const port = await fastPathOnly(t, viaSocket.app.mock, (err) => errors.push(err));
      breakStore(t, viaSocket.store, broken);
      breakStore(t, viaRoute.store, broken);
      const headers = { 'anchor-api-key': 'ak_test_acme' };

      const fast = await httpCall(port, listUrl(SESSION), { headers });
      const viaFastify = await viaRoute.app.inject({ url: listUrl(SESSION), headers });
      expectContract(
        t,
        {
          statusCode: fast.statusCode,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: fast.body.toString(),
        },
        500,
      );
      t.same(JSON.parse(fast.body.toString()), { error: { code: 500, message: 'Internal server error.' } });
      t.same(fast.headers, headerBlock(viaFastify), 'the same headers in the same order');
      t.ok(fast.body.equals(viaFastify.rawPayload), 'the same body bytes');
      t.match(errors, [{ message: 'disk on fire' }], 'the error is reported');
      t.same(
        withoutDuration(viaSocket.app.mock.journal.list() as never),
        withoutDuration(viaRoute.app.mock.journal.list() as never),
        'the same journal entry',
      );
      t.match(viaSocket.app.mock.journal.list(), [{ status: 500, session_id: SESSION, key_fingerprint: 'ak_t…' }]);
    },
  );
}

t.test('with rate limiting off both paths answer without rate headers, alike', async (t) => {
  const viaSocket = await buildTestApp(t, { rateLimit: false });
  const viaRoute = await buildTestApp(t, { rateLimit: false });
  const port = await listen(viaSocket.app);
  const headers = { 'anchor-api-key': 'ak_test_acme' };
  for (const session of [SESSION, 'sess-unknown']) {
    const fast = await httpCall(port, listUrl(session), { headers });
    const viaFastify = await viaRoute.app.inject({ url: listUrl(session), headers });
    t.same(fast.headers, headerBlock(viaFastify), `${session}: the same headers`);
    t.same(
      fast.headers.map((h) => h.slice(0, h.indexOf(':'))),
      ['content-type', 'content-length'],
      `${session}: no x-ratelimit-*`,
    );
    t.ok(fast.body.equals(viaFastify.rawPayload), `${session}: the same body`);
    const contentType = fast.headers.find((h) => h.startsWith('content-type: '))?.slice(14);
    expectContract(
      t,
      { statusCode: fast.statusCode, headers: { 'content-type': contentType }, body: fast.body.toString() },
      session === SESSION ? 200 : 404,
    );
  }
});

t.test('both ways in decide, build headers and journal through the same functions, with the same values', async (t) => {
  // A copy of the app whose shared pipeline functions report each call: what
  // it was given and what it answered, as they were at the time of the call.
  type Call = { via: string; fn: string; seen: unknown };
  const calls: Call[] = [];
  let via = '';
  const answerSeen = (a: { status: number; body: Buffer } | undefined) =>
    a && { status: a.status, body: a.body.toString() };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const seen: Record<string, (args: any[], result: any) => unknown> = {
    // Without the mock (one per app) and the duration.
    recordRequest: (args) => [...args.slice(1, 5), ...args.slice(6)],
    journalFingerprint: (_args, result) => result,
    keyRefusal: (args, result) => [args[0].status, answerSeen(result)],
    rateLimitHeaders: (_args, result) => Object.entries(result),
    ownedListAnswer: (args, result) => [args[1], args[3], answerSeen(result)],
  };
  const spied = <M extends object>(actual: M) =>
    t.createMock(
      actual,
      Object.fromEntries(
        Object.keys(seen)
          .filter((fn) => fn in actual)
          .map((fn) => [
            fn,
            (...args: unknown[]) => {
              const result = (actual as Record<string, (...a: unknown[]) => unknown>)[fn]!(...args);
              calls.push({ via, fn, seen: seen[fn]!(args, result) });
              return result;
            },
          ]),
      ),
    );
  // The mocks reach only the modules a mockImport loads itself (the TypeScript
  // sources' imports end in .js), so the app is put together module by module:
  // each module that calls a shared function is loaded with the spying copy.
  const src = '../../src/http/';
  const shared = {
    [`${src}pipeline/journal-entry.js`]: spied(await import('../../src/http/pipeline/journal-entry.js')),
    [`${src}pipeline/key-answer.js`]: spied(await import('../../src/http/pipeline/key-answer.js')),
    [`${src}operations/download-list.js`]: spied(await import('../../src/http/operations/download-list.js')),
  };
  const load = (path: string, mocks: Record<string, unknown> = shared) => t.mockImport<object>(`${src}${path}`, mocks);
  const operation = await load('pipeline/operation.js', {
    [`${src}pipeline/key-guard.js`]: await load('pipeline/key-guard.js'),
    [`${src}pipeline/journal.js`]: await load('pipeline/journal.js'),
  });
  const { buildApp } = await t.mockImport<typeof import('../../src/http/app.js')>(`${src}app.js`, {
    [`${src}pipeline/operation.js`]: operation,
    [`${src}operations/downloads.js`]: await load('operations/downloads.js'),
    [`${src}pipeline/list-fast-path.js`]: await load('pipeline/list-fast-path.js'),
  });
  const viaSocket = await buildTestApp(t, { build: buildApp });
  const viaRoute = await buildTestApp(t, { build: buildApp });
  const port = await listen(viaSocket.app);

  const asks: Array<[session: string, key?: string]> = [
    [SESSION, 'ak_test_acme'],
    [OTHER_SESSION, 'ak_test_acme'],
    ['sess-unknown', 'ak_test_acme'],
    [SESSION],
    [SESSION, 'ak_nope_nope'],
    [SESSION, 'ak_test_tight'],
    [SESSION, 'ak_test_tight'],
    [SESSION, 'ak_test_tight'],
  ];
  for (const [session, key] of asks) {
    const headers = key === undefined ? {} : { 'anchor-api-key': key };
    via = 'fast path';
    await httpCall(port, listUrl(session), { headers });
    via = 'route';
    await viaRoute.app.inject({ url: listUrl(session), headers });
  }
  t.equal(
    viaSocket.app.mock.journal.list().length,
    asks.length,
    'the socket side answered and journaled every request',
  );

  const by = (path: string, fn: string) => calls.filter((c) => c.via === path && c.fn === fn).map((c) => c.seen);
  for (const fn of Object.keys(seen)) {
    t.ok(by('fast path', fn).length > 0, `the fast path calls ${fn}`);
    t.same(by('fast path', fn), by('route', fn), `the route calls ${fn} as often, with the same values`);
  }
  t.same(
    by('fast path', 'keyRefusal').map((s) => (s as unknown[])[0]),
    [200, 200, 200, 401, 401, 200, 200, 429],
  );
});
