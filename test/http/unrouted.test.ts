import t from 'tap';
import { buildTestApp, expectContract, listUrl, SESSION } from '../helpers/app.js';
import { vendorProblems } from '../helpers/vendor-contract.js';

// Requests no route of the app takes: the vendor's operations are found in one
// router per process, everything else answers 404, or 405 on a known path.

const key = { 'anchor-api-key': 'ak_test_acme' };

t.test('an unknown path answers 404 before reading its body, whatever the body', async (t) => {
  const { app } = await buildTestApp(t, { bodyLimit: 64 });
  const bodies: Array<[string, string]> = [
    ['application/json', '{"not": "parsed"'],
    ['application/xml', '<a/>'],
    ['application/json', JSON.stringify({ big: 'x'.repeat(200) })],
  ];
  for (const url of ['/nope', '/v1/nothing-here', '/v2/tasks']) {
    for (const [type, payload] of bodies) {
      const res = await app.inject({ method: 'POST', url, headers: { ...key, 'content-type': type }, payload });
      const body = expectContract(t, res, 404);
      t.equal(body.error.message, `No route for POST ${url}.`, `${url}, ${type}, ${payload.length} bytes`);
    }
  }
});

t.test("a path of the vendor's document asked with another method answers 405 with its Allow", async (t) => {
  const { app } = await buildTestApp(t);
  const cases: Array<[string, string, string]> = [
    // A static path wins over a parameter, whatever the method: "all" is not a session id.
    ['GET', '/v1/sessions/all', 'DELETE'],
    ['OPTIONS', '/v1/sessions', 'GET, HEAD, POST'],
    ['PUT', `/v1/sessions/${SESSION}/mouse/click`, 'POST'],
    ['DELETE', '/v2/tasks/generate', 'POST'],
    // The list of downloads is the app's own route, and still one of the document's paths.
    ['POST', listUrl(SESSION), 'GET, HEAD'],
  ];
  for (const [method, url, allow] of cases) {
    const res = await app.inject({ method: method as 'GET', url, headers: key });
    expectContract(t, res, 405);
    t.equal(res.headers.allow, allow, `${method} ${url}`);
    t.notOk(res.headers['x-ratelimit-limit'], `${method} ${url}: no token taken`);
  }
});

t.test("a path of the mock's own asked with another method answers 405 with its Allow", async (t) => {
  const { app } = await buildTestApp(t);
  const cases: Array<[string, string, string]> = [
    ['GET', '/_mock/faults/f-1', 'DELETE'],
    ['PUT', `/v1/sessions/${SESSION}/downloads/dl-a/fetch`, 'GET, HEAD'],
    ['POST', '/_mock/requests', 'DELETE, GET, HEAD'],
    ['DELETE', `/live/sessions/${SESSION}`, 'GET, HEAD'],
  ];
  for (const [method, url, allow] of cases) {
    const res = await app.inject({ method: method as 'GET', url });
    expectContract(t, res, 405);
    t.equal(res.headers.allow, allow, `${method} ${url}`);
  }
});

t.test('a parameter longer than the router takes is a malformed request, on any path', async (t) => {
  const { app } = await buildTestApp(t);
  const long = 'x'.repeat(1100);
  for (const [method, url] of [
    ['GET', `/v1/sessions/${long}`],
    ['POST', `/v2/tasks/${long}/run`],
    ['DELETE', `/_mock/faults/${long}`],
    ['GET', `/_mock/faults/${long}`],
  ] as const) {
    const res = await app.inject({ method, url, headers: key });
    const body = expectContract(t, res, 400);
    t.match(body.error.message, /^Malformed request: .* is exceeding the max param length$/, `${method} ${url}`);
  }
});

t.test("HEAD on a vendor operation's GET answers its headers without a body, and is journaled", async (t) => {
  const { app } = await buildTestApp(t);
  const url = `/v1/sessions/${SESSION}/recordings`;
  const get = await app.inject({ url, headers: key });
  const body = JSON.parse(get.body) as unknown;
  t.same(vendorProblems('GET', '/v1/sessions/{session_id}/recordings', get.statusCode, body, { closed: true }), []);
  const head = await app.inject({ method: 'HEAD', url, headers: key });
  t.equal(head.statusCode, get.statusCode);
  t.equal(head.body, '');
  t.equal(head.headers['content-type'], get.headers['content-type']);
  t.equal(head.headers['content-length'], get.headers['content-length']);
  const entries = app.mock.journal.list({ method: 'HEAD' });
  t.equal(entries.length, 1);
  t.equal(entries[0]!.path, url);
});

t.test('apps in one process share the vendor operations: an app registers no route per operation', async (t) => {
  const urls: string[][] = [];
  for (let i = 0; i < 2; i++) {
    const { app } = await buildTestApp(t);
    const res = await app.inject({ method: 'POST', url: '/v1/profiles', headers: key, payload: { name: `p${i}` } });
    const body = JSON.parse(res.body) as unknown;
    t.same(vendorProblems('POST', '/v1/profiles', res.statusCode, body, { closed: true }), [], `app ${i}`);
    urls.push(app.printRoutes({ commonPrefix: false }).split('\n'));
  }
  for (const lines of urls) {
    t.notOk(
      lines.some((line) => line.includes('profiles') || line.includes('/v2/')),
      'no route of its own for a vendor operation',
    );
    t.ok(lines.length < 40, `${lines.length} lines of routes`);
  }
});

t.test("a vendor operation's 503 while the mock closes is journaled, as its route's was", async (t) => {
  const { app } = await buildTestApp(t);
  app.mock.closing = true;
  const url = `/v1/sessions/${SESSION}/recordings`;
  const res = await app.inject({ url, headers: key });
  expectContract(t, res, 503);
  const unknown = await app.inject({ url: '/v1/nothing-here', headers: key });
  expectContract(t, unknown, 503);
  app.mock.closing = false;
  t.same(
    app.mock.journal.list().map((e) => [e.path, e.status, e.session_id]),
    [[url, 503, SESSION]],
    'the operation only: an unknown path is no operation',
  );
});

t.test('a start fails, naming the file, when the build has not written the contract files', async (t) => {
  const { VendorTable } = await t.mockImport<typeof import('../../src/http/operations/vendor-table.js')>(
    '../../src/http/operations/vendor-table.js',
    { 'node:fs': { existsSync: (path: string) => !path.endsWith('checks') } },
  );
  t.throws(() => VendorTable.checkBuilt(), /dist\/contract\/checks is missing; run `npm run build`/);
});
