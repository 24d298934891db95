import t from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { buildTestApp } from '../helpers/app.js';
import { yamlOperations, vendorProblems, type YamlOperation } from '../helpers/vendor-contract.js';
import { queryString, resolve, validRequest, type BuiltRequest } from '../helpers/vendor-requests.js';
import { binaryProblems } from '../helpers/binary-files.js';

/** Stateful operations that answer an unknown session or recording 404 though they declare none (docs/controls.md). */
const UNDECLARED_NOT_FOUND = new Set(['DELETE /v1/sessions/{session_id}/recordings/{recording_id}']);

// Walks every operation of the vendor document over app.inject: a valid
// request (required parameters only, then every one), a type-breaking one,
// no key, an empty bucket, every declared status through Prefer, a malformed
// path id; every body checked in closed mode against the document.

const KEY = 'ak_walk_main';
const TIGHT_KEY = 'ak_walk_tight';
export const WALK_SESSION = '0b9f6c1e-5a4d-4e2b-9c3f-7d8e1a2b3c4d';

const world: FixtureDocument = {
  accounts: [
    {
      id: 'walker',
      api_keys: [KEY, { key: TIGHT_KEY, rate_limit: { capacity: 1, refill_per_second: 0.001 } }],
      sessions: [{ id: WALK_SESSION, created_at: '2026-01-01T00:00:00.000Z' }],
    },
  ],
};

// Operations that other parts of the mock answer from state (sessions): a
// valid request may meet a declared error (an unknown id), checked in shape.
const isStatefulFamily = (op: YamlOperation) => op.path.startsWith('/v1/sessions');

function send(
  app: FastifyInstance,
  op: YamlOperation,
  req: BuiltRequest,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const base = { 'anchor-api-key': KEY, ...headers };
  const url = req.url + queryString(req.query);
  const method = op.method as 'GET';
  if (req.multipart) {
    return app.inject({
      method,
      url,
      headers: { ...base, 'content-type': req.multipart.contentType },
      payload: req.multipart.payload,
    });
  }
  if (req.json !== undefined) return app.inject({ method, url, headers: base, payload: req.json as object });
  return app.inject({ method, url, headers: base });
}

/** Problems with an answer: its body against the document (closed), or its bytes as the file type declared. */
function answerProblems(op: YamlOperation, res: LightMyRequestResponse): string[] {
  const type = String(res.headers['content-type'] ?? '');
  const declared = Object.keys(op.raw.responses[String(res.statusCode)]?.content ?? {})[0];
  if (declared && !declared.includes('json')) {
    if (!type.startsWith(declared)) return [`content-type ${type}, declared ${declared}`];
    return binaryProblems(declared, res.rawPayload);
  }
  if (!type.startsWith('application/json')) return [`content-type ${type} is not JSON`];
  return vendorProblems(op.method, op.path, res.statusCode, res.json(), { closed: true });
}

function successStatus(op: YamlOperation): number {
  return Number(Object.keys(op.raw.responses).find((code) => code.startsWith('2')) ?? 200);
}

/** A request whose body or query breaks a declared type, or undefined where nothing typed can be broken. */
function typeBreaking(op: YamlOperation, req: BuiltRequest): BuiltRequest | undefined {
  if (req.json !== undefined) return { ...req, json: ['not', 'an', 'object'] };
  for (const p of op.raw.parameters ?? []) {
    if (p.in !== 'query') continue;
    const schema = resolve(p.schema);
    if (['integer', 'number', 'boolean'].includes(String(schema.type)) || Array.isArray(schema.enum))
      return { ...req, query: { ...req.query, [p.name]: 'not-of-the-declared-type' } };
  }
  return undefined;
}

const pathValues = (op: YamlOperation) =>
  Object.fromEntries(
    (op.raw.parameters ?? [])
      .filter((p) => p.in === 'path' && /session/i.test(p.name))
      .map((p) => [p.name, WALK_SESSION]),
  );


/** The status a path id of the wrong declared form answers: 404, or 400 where only 400 is declared. */
function malformedIdStatus(op: YamlOperation): number {
  return op.raw.responses['400'] && !op.raw.responses['404'] ? 400 : 404;
}

/** A path parameter declared as a UUID or with a pattern, to send malformed; undefined if none. */
function formedPathParameter(op: YamlOperation): string | undefined {
  return (op.raw.parameters ?? []).find((p) => {
    const schema = resolve(p.schema);
    return p.in === 'path' && (schema.format === 'uuid' || typeof schema.pattern === 'string');
  })?.name;
}

t.test('every operation of the vendor document', async (t) => {
  const rateLimit = { capacity: 1e6, refillPerSecond: 1e3 };
  const { app, clock } = await buildTestApp(t, { fixtures: [world], rateLimit });
  t.equal(yamlOperations.length, 112, 'the document has 112 operations');
  for (const op of yamlOperations) {
    t.test(op.key, async (t) => {
      const success = successStatus(op);
      const check = (res: LightMyRequestResponse, what: string) =>
        t.same(answerProblems(op, res), [], `${what}: ${res.statusCode} answer as declared (closed mode)`);
      for (const full of [false, true]) {
        const req = validRequest(op, full, pathValues(op));
        const res = await send(app, op, req);
        const label = full ? 'every parameter' : 'required parameters';
        if (!isStatefulFamily(op) || res.statusCode === success) {
          t.equal(res.statusCode, success, `${label}: answers ${success} ${res.statusCode === success ? '' : res.body}`);
        } else {
          const ok = op.raw.responses[String(res.statusCode)] ?? UNDECLARED_NOT_FOUND.has(op.key);
          t.ok(ok, `${label}: a declared status (${res.statusCode})`);
        }
        check(res, label);
      }
      const req = validRequest(op, false, pathValues(op));
      const broken = typeBreaking(op, req);
      if (broken) {
        const res = await send(app, op, broken);
        t.equal(res.statusCode, 400, 'a body or query that breaks a declared type answers 400');
        check(res, 'type-breaking request');
      }
      const noKey = await send(app, op, req, { 'anchor-api-key': '' });
      t.equal(noKey.statusCode, 401, 'no key answers 401');
      check(noKey, 'no key');
      // The tight key's bucket holds one request and refills one in 1,000 s.
      clock.advance(1_000_000);
      const first = await send(app, op, req, { 'anchor-api-key': TIGHT_KEY });
      const second = await send(app, op, req, { 'anchor-api-key': TIGHT_KEY });
      t.not(first.statusCode, 429, 'a full bucket lets the first request through');
      t.equal(second.statusCode, 429, 'an empty bucket answers 429');
      check(second, 'empty bucket');
      for (const code of Object.keys(op.raw.responses).map(Number)) {
        const res = await send(app, op, req, { prefer: `code=${code}` });
        // A success code leaves the answer to the operation: a stateful one may answer a declared error.
        if (code < 300 && isStatefulFamily(op)) {
          t.ok(op.raw.responses[String(res.statusCode)] ?? UNDECLARED_NOT_FOUND.has(op.key), `Prefer: code=${code}`);
        }
        else t.equal(res.statusCode, code, `Prefer: code=${code}`);
        check(res, `Prefer: code=${code}`);
      }
      const formed = formedPathParameter(op);
      if (formed && !isStatefulFamily(op)) {
        const bad = validRequest(op, false, { ...pathValues(op), [formed]: 'not of the declared form' });
        const res = await send(app, op, bad);
        t.equal(res.statusCode, malformedIdStatus(op), `a malformed ${formed} answers ${malformedIdStatus(op)}`);
        check(res, `malformed ${formed}`);
      }
    });
  }
});
