import t from 'tap';
import { listUrl } from '../helpers/app.js';
import { startCli } from '../cli/spawn-helpers.js';
import { httpCall, type Outcome } from './http-probe.js';

// No API key and no admin token ever leaves the mock in clear: not in its
// logs (even at trace level, which logs every request), not in the journal,
// not in error messages, not in the OpenAPI document.

const ADMIN_TOKEN = 'adm1n-s3cret-token';
const WRONG_TOKEN = 'wr0ng-adm1n-t0ken-guess';
const GOOD_KEY = 'ak_acme_main';
const BAD_KEY = 'ak_totally_secret_bad';
const DUP_KEY = 'ak_dup_s3cret_given_twice';
const SHORT_KEY = 'sh0rt!k';
const LONG_KEY = `ak_${'L0ngS3cret'.repeat(30)}`;
const OTHER_BUNDLED_KEYS = ['ak_acme_throttled', 'ak_globex_main'];
const SECRETS = [ADMIN_TOKEN, WRONG_TOKEN, GOOD_KEY, BAD_KEY, DUP_KEY, SHORT_KEY, LONG_KEY, ...OTHER_BUNDLED_KEYS];

const SESSION = '42b60264-c48a-4ded-aa54-e4a83a710ee5';
const INVOICE = 'd733d306-a0fb-408b-9eb2-cdefc76da383';

t.test('keys and the admin token appear nowhere: logs at trace level, journal, error messages, OpenAPI', async (t) => {
  const cli = await startCli(t, ['--db', ':memory:', '--log-level', 'trace', '--admin-token', ADMIN_TOKEN]);
  const answers: Array<{ what: string; outcome: Outcome }> = [];
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const call = async (
    what: string,
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ) => {
    const json = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
    const outcome = await httpCall({
      port: cli.port,
      method,
      path,
      headers: json === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: json,
    });
    answers.push({ what, outcome });
    return outcome;
  };
  const status = (o: Outcome) => (o.kind === 'answer' ? o.status : o.error);

  // The emulated API, with a valid and an invalid key.
  t.equal(status(await call('list, valid key', 'GET', listUrl(SESSION), { 'anchor-api-key': GOOD_KEY })), 200);
  t.equal(status(await call('list, invalid key', 'GET', listUrl(SESSION), { 'anchor-api-key': BAD_KEY })), 401);
  t.equal(
    status(await call('list, two keys', 'GET', listUrl(SESSION), { 'anchor-api-key': `${GOOD_KEY}, ${BAD_KEY}` })),
    401,
  );
  t.equal(
    status(
      await call('file, valid key', 'GET', `/sessions/${SESSION}/downloads/${INVOICE}/fetch`, {
        'anchor-api-key': GOOD_KEY,
      }),
    ),
    200,
  );
  t.equal(
    status(
      await call('file, invalid key', 'HEAD', `/sessions/${SESSION}/downloads/${INVOICE}/fetch`, {
        'anchor-api-key': BAD_KEY,
      }),
    ),
    401,
  );
  t.equal(
    status(
      await call('signed URL', 'GET', `/v1/sessions/${SESSION}/downloads/${INVOICE}/fetch`, {
        'anchor-api-key': GOOD_KEY,
      }),
    ),
    200,
  );
  t.equal(
    status(await call('forced 401', 'GET', listUrl(SESSION), { 'anchor-api-key': GOOD_KEY, prefer: 'code=401' })),
    401,
  );
  t.equal(status(await call('unknown session', 'GET', listUrl('nope'), { 'anchor-api-key': BAD_KEY })), 401);

  // The admin API, with the right token, a wrong one and none.
  t.equal(status(await call('admin, right token', 'GET', '/_mock/state', auth(ADMIN_TOKEN))), 200);
  t.equal(status(await call('admin, wrong token', 'GET', '/_mock/state', auth(WRONG_TOKEN))), 401);
  t.equal(
    status(await call('admin, wrong scheme', 'GET', '/_mock/state', { authorization: `Basic ${ADMIN_TOKEN}x` })),
    401,
  );
  t.equal(status(await call('admin, no token', 'DELETE', '/_mock/state')), 401);
  t.equal(
    status(
      await call('fixtures, wrong token', 'POST', '/_mock/fixtures', auth(WRONG_TOKEN), {
        accounts: [{ id: 'x', api_keys: [DUP_KEY] }],
      }),
    ),
    401,
  );

  // A fault rule matching a key, then a request it answers.
  const rule = await call('fault with api_key', 'POST', '/_mock/faults', auth(ADMIN_TOKEN), {
    method: 'GET',
    session_id: 'faulty',
    api_key: GOOD_KEY,
    status: 503,
    times: 1,
  });
  t.equal(status(rule), 201);
  t.equal(status(await call('fault fires', 'GET', listUrl('faulty'), { 'anchor-api-key': GOOD_KEY })), 503);
  t.equal(
    status(
      await call('fault with a too-long api_key', 'POST', '/_mock/faults', auth(ADMIN_TOKEN), {
        api_key: LONG_KEY,
        status: 503,
      }),
    ),
    400,
  );

  // Fixtures refused for a key conflict, a key given twice, and too short a key (JSON and YAML).
  const conflict = await call('fixtures: key of another account', 'POST', '/_mock/fixtures', auth(ADMIN_TOKEN), {
    accounts: [{ id: 'evil', api_keys: [GOOD_KEY] }],
  });
  t.equal(status(conflict), 400);
  if (conflict.kind === 'answer')
    t.match(conflict.body.toString(), /already belongs to account/, 'the conflict is reported (by fingerprint)');
  const twice = await call('fixtures: key given twice', 'POST', '/_mock/fixtures', auth(ADMIN_TOKEN), {
    accounts: [
      { id: 'x1', api_keys: [DUP_KEY] },
      { id: 'x2', api_keys: [{ key: DUP_KEY }] },
    ],
  });
  t.equal(status(twice), 400);
  t.equal(
    status(
      await call('fixtures: short key', 'POST', '/_mock/fixtures', auth(ADMIN_TOKEN), {
        accounts: [{ id: 'y', api_keys: [SHORT_KEY] }],
      }),
    ),
    400,
  );
  t.equal(
    status(
      await call('fixtures: short key in an object', 'POST', '/_mock/fixtures', auth(ADMIN_TOKEN), {
        accounts: [{ id: 'y', api_keys: [{ key: SHORT_KEY, rate_limit: { capacity: 0 } }] }],
      }),
    ),
    400,
  );
  t.equal(
    status(
      await call(
        'fixtures: short key, YAML',
        'POST',
        '/_mock/fixtures',
        { ...auth(ADMIN_TOKEN), 'content-type': 'application/yaml' },
        `accounts:\n  - id: y\n    api_keys: [${SHORT_KEY}, ${LONG_KEY}]\n`,
      ),
    ),
    400,
  );
  t.equal(
    status(
      await call(
        'fixtures: broken YAML around a key',
        'POST',
        '/_mock/fixtures',
        { ...auth(ADMIN_TOKEN), 'content-type': 'application/yaml' },
        `accounts:\n  - id: y\n    api_keys: [${DUP_KEY}\n`,
      ),
    ),
    400,
  );
  t.equal(
    status(
      await call(
        'fixtures: broken JSON around a key',
        'POST',
        '/_mock/fixtures',
        auth(ADMIN_TOKEN),
        `{"accounts":[{"id":"y","api_keys":["${DUP_KEY}"`,
      ),
    ),
    400,
  );

  // What a suite reads back.
  const journal = await call('journal', 'GET', '/_mock/requests', auth(ADMIN_TOKEN));
  t.equal(status(journal), 200);
  if (journal.kind === 'answer') {
    const items = (
      JSON.parse(journal.body.toString()) as { data: { items: Array<{ key_fingerprint: string | null }> } }
    ).data.items;
    t.ok(items.length >= 8, 'the journal holds the emulated requests');
    t.ok(
      items.some((i) => i.key_fingerprint?.startsWith('ak_a…')),
      'keys appear as fingerprints',
    );
  }
  t.equal(status(await call('faults', 'GET', '/_mock/faults', auth(ADMIN_TOKEN))), 200);
  t.equal(status(await call('openapi.json', 'GET', '/openapi.json')), 200);
  t.equal(status(await call('openapi.yaml', 'GET', '/openapi.yaml')), 200);
  t.equal(status(await call('docs json', 'GET', '/docs/json')), 200);

  const exit = await cli.stop('SIGTERM');
  t.equal(exit.code, 0, 'SIGTERM: exit 0');
  t.ok(
    cli.logLines().some((l) => l.msg === 'incoming request'),
    'trace logged every request',
  );

  const places: Array<{ where: string; text: string }> = [
    { where: 'stdout', text: exit.stdout },
    { where: 'stderr', text: exit.stderr },
    ...answers.map(({ what, outcome }) => ({
      where: `answer to "${what}"`,
      text:
        outcome.kind === 'answer'
          ? `${JSON.stringify(outcome.headers)}\n${outcome.body.toString('utf8')}`
          : outcome.error,
    })),
  ];
  const leaks: string[] = [];
  for (const secret of SECRETS) {
    for (const { where, text } of places) {
      const at = text.indexOf(secret);
      if (at !== -1)
        leaks.push(
          `${secret.slice(0, 24)} in ${where}: …${text.slice(Math.max(0, at - 80), at + secret.length + 40)}…`,
        );
    }
  }
  t.same(leaks, [], 'no key or token appears in any log line or response');
});
