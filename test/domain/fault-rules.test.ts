import t from 'tap';
import { fingerprintKey } from '../../src/domain/api-keys.js';
import { FaultRules, type RequestFacts } from '../../src/domain/fault-rules.js';
import { FaultRuleInput } from '../../src/schemas/admin-schemas.js';
import type { z } from 'zod';

/** A rule as the admin API and `mock.faults.add` pass it on: parsed by its schema. */
const rule = (input: z.input<typeof FaultRuleInput>) => FaultRuleInput.parse(input);

const listFacts = (sessionId: string, apiKey?: string): RequestFacts => ({
  method: 'GET',
  path: `/v1/sessions/${sessionId}/downloads`,
  sessionId,
  apiKey,
});
const fileFacts = (sessionId: string, downloadId: string): RequestFacts => ({
  method: 'GET',
  path: `/sessions/${sessionId}/downloads/${downloadId}/fetch`,
  sessionId,
  apiKey: 'ak_test_acme',
});

t.test('a rule is answered with its id, what it matches, and its counters', async (t) => {
  const rules = new FaultRules();
  const view = rules.add(rule({ method: 'get', session_id: 's1', status: 503, times: 2 }));
  t.same(view, { id: 'f1', method: 'GET', session_id: 's1', status: 503, times: 2, remaining: 2, hits: 0 });
  t.equal(rules.add(rule({ status: 500 })).id, 'f2', 'ids are f1, f2, …');
  t.same(
    rules.list().map((r) => r.id),
    ['f1', 'f2'],
  );
});

t.test('with times: 2 a rule answers twice, then expires', async (t) => {
  const rules = new FaultRules();
  rules.add(rule({ session_id: 's1', status: 503, times: 2 }));
  t.match(rules.take(listFacts('s1')), { id: 'f1', status: 503, remaining: 1, hits: 1 });
  t.match(rules.take(listFacts('s1')), { id: 'f1', status: 503, remaining: 0, hits: 2 });
  t.equal(rules.take(listFacts('s1')), undefined);
  t.same(rules.list(), [], 'the expired rule is gone from the list');
});

t.test('without times a rule answers every match', async (t) => {
  const rules = new FaultRules();
  rules.add(rule({ status: 500 }));
  for (let i = 1; i <= 5; i++) t.match(rules.take(listFacts('s1')), { id: 'f1', remaining: null, hits: i });
});

t.test('rules apply in the order added: the first match answers', async (t) => {
  const rules = new FaultRules();
  rules.add(rule({ session_id: 's1', status: 500, times: 1 }));
  rules.add(rule({ session_id: 's1', status: 502 }));
  rules.add(rule({ status: 504 }));
  t.match(rules.take(listFacts('s1')), { id: 'f1', status: 500 });
  t.match(rules.take(listFacts('s1')), { id: 'f2', status: 502 });
  t.match(rules.take(listFacts('s2')), { id: 'f3', status: 504 }, 'another session falls through to the catch-all');
  t.same(
    rules.list().map((r) => [r.id, r.hits]),
    [
      ['f2', 1],
      ['f3', 1],
    ],
  );
});

t.test('a rule that does not match is neither used nor counted', async (t) => {
  const rules = new FaultRules();
  rules.add(rule({ method: 'POST', status: 500, times: 1 }));
  rules.add(rule({ session_id: 'other', status: 500, times: 1 }));
  t.equal(rules.take(listFacts('s1')), undefined);
  t.same(
    rules.list().map((r) => [r.remaining, r.hits]),
    [
      [1, 0],
      [1, 0],
    ],
  );
});

t.test('method matches whatever case the rule was written in', async (t) => {
  const rules = new FaultRules();
  rules.add(rule({ method: 'get', status: 500 }));
  t.ok(rules.take(listFacts('s1')));
  t.equal(rules.take({ ...listFacts('s1'), method: 'HEAD' }), undefined);
});

t.test('path: * matches any run of characters, the rest literally and anchored at both ends', async (t) => {
  const rules = new FaultRules();
  rules.add(rule({ path: '/v1/sessions/*/downloads', status: 500 }));
  t.ok(rules.take(listFacts('anything')), 'the list of any session');
  t.ok(rules.take(listFacts('a/b')), '* also spans slashes');
  t.equal(rules.take(fileFacts('s1', 'd1')), undefined, 'not the file route');
  t.equal(
    rules.take({ ...listFacts('s1'), path: '/v1/sessions/s1/downloads/d1/fetch' }),
    undefined,
    'anchored at the end',
  );
  t.equal(rules.take({ ...listFacts('s1'), path: '/x/v1/sessions/s1/downloads' }), undefined, 'anchored at the start');

  const literal = new FaultRules();
  literal.add(rule({ path: '/sessions/a.b+(c)/downloads/*/fetch', status: 500 }));
  t.ok(literal.take(fileFacts('a.b+(c)', 'd1')), 'regex characters in the pattern are literal');
  t.equal(literal.take(fileFacts('aXbb(c)', 'd1')), undefined, '"." and "+" are not wildcards');
});

t.test('an exact path matches only itself', async (t) => {
  const rules = new FaultRules();
  rules.add(rule({ path: '/v1/sessions/s1/downloads', status: 404 }));
  t.ok(rules.take(listFacts('s1')));
  t.equal(rules.take(listFacts('s10')), undefined);
});

t.test('api_key matches only requests made with that key, and is listed only by fingerprint', async (t) => {
  const rules = new FaultRules();
  const view = rules.add(rule({ api_key: 'ak_test_secret_key', status: 401 }));
  t.equal(view.api_key_fingerprint, fingerprintKey('ak_test_secret_key'));
  t.notOk('api_key' in view, 'no api_key field in the view');
  t.notMatch(JSON.stringify(rules.list()), 'ak_test_secret_key', 'the key appears nowhere in the list');
  t.equal(rules.take(listFacts('s1', 'ak_test_other_key')), undefined);
  t.equal(rules.take(listFacts('s1')), undefined, 'a request without a key does not match');
  t.equal(rules.take(listFacts('s1', '')), undefined, 'nor one with an empty key');
  t.match(rules.take(listFacts('s1', 'ak_test_secret_key')), { id: 'f1', status: 401 });
});

t.test('all matchers of a rule must hold together', async (t) => {
  const rules = new FaultRules();
  rules.add(rule({ method: 'GET', path: '/v1/*', session_id: 's1', api_key: 'ak_test_acme', status: 503 }));
  t.equal(rules.take(listFacts('s2', 'ak_test_acme')), undefined, 'other session');
  t.equal(rules.take(listFacts('s1', 'ak_test_globex')), undefined, 'other key');
  t.equal(rules.take(fileFacts('s1', 'd1')), undefined, 'other path');
  t.ok(rules.take(listFacts('s1', 'ak_test_acme')));
});

t.test('a delay-only rule is answered like the others (the route then answers normally)', async (t) => {
  const rules = new FaultRules();
  rules.add(rule({ delay_ms: 50, times: 1 }));
  t.same(rules.take(listFacts('s1')), { id: 'f1', delay_ms: 50, times: 1, remaining: 0, hits: 1 });
});

t.test('remove takes one rule out by id; clear takes them all', async (t) => {
  const rules = new FaultRules();
  rules.add(rule({ status: 500 }));
  rules.add(rule({ status: 502 }));
  rules.add(rule({ status: 503 }));
  t.equal(rules.remove('f2'), true);
  t.equal(rules.remove('f2'), false, 'already gone');
  t.equal(rules.remove('nope'), false);
  t.same(
    rules.list().map((r) => r.id),
    ['f1', 'f3'],
  );
  rules.clear();
  t.same(rules.list(), []);
  t.equal(rules.take(listFacts('s1')), undefined);
  t.equal(rules.add(rule({ status: 500 })).id, 'f4', 'ids are not reused');
});

t.test('the rule schema refuses rules that cannot be applied', async (t) => {
  const bad: Array<[string, unknown]> = [
    ['a status outside the list', { status: 418 }],
    ['status and error together', { status: 503, error: 'reset' }],
    ['an unknown field', { status: 503, statuss: 1 }],
    ['no status, error or delay', { method: 'GET' }],
    ['headers without status', { error: 'reset', headers: { 'retry-after': '1' } }],
    ['a path not starting with /', { path: 'v1/*', status: 500 }],
    ['an unknown error', { error: 'timeout' }],
    ['times 0', { status: 500, times: 0 }],
    ['a negative delay', { delay_ms: -1 }],
  ];
  for (const [what, input] of bad) t.notOk(FaultRuleInput.safeParse(input).success, what);
});
