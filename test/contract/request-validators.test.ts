import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import t from 'tap';
import { vendorOperations } from '../../src/contract/vendor-operations.js';
import { PACKAGE_ROOT } from '../../src/package-root.js';

// The request checks the build compiles (scripts/build-validators.mjs): one per
// operation that takes a query or a body, needing nothing at run time.

type Check = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; keyword: string }> | null };
const FILE = join(PACKAGE_ROOT, 'dist', 'contract', 'request-validators.cjs');
const checks = createRequire(FILE)(FILE) as Record<'body' | 'query', Record<string, Check>>;

t.test('every operation with a query or a body has its compiled check, and no other has one', async (t) => {
  const operations = vendorOperations();
  const withQuery = operations.filter((o) => o.parameters.some((p) => p.in === 'query')).map((o) => o.key);
  const withBody = operations.filter((o) => o.body).map((o) => o.key);
  t.same(Object.keys(checks.query).sort(), withQuery.sort());
  t.same(Object.keys(checks.body).sort(), withBody.sort());
  for (const check of [...Object.values(checks.query), ...Object.values(checks.body)]) t.type(check, 'function');
});

t.test('the compiled checks need no package at run time (Ajv is a build-time tool)', async (t) => {
  t.notMatch(readFileSync(FILE, 'utf8'), /require\(/);
});

t.test('a compiled check refuses a wrong type where the document declares it, and converts query text', async (t) => {
  const body = checks.body['POST /v1/sessions']!;
  t.equal(body({ session: { recording: { active: 'yes' } } }), false);
  t.equal(body.errors?.[0]?.instancePath, '/session/recording/active');
  t.equal(body({ session: { recording: { active: true } }, unknown: 1 }), true, 'unknown properties are kept');
  const query = checks.query['GET /v1/sessions/history']!;
  const text = { page: '2' };
  t.equal(query(text), true);
  t.same(text, { page: 2 }, 'query text converted to the declared type');
  t.equal(query({ page: 'two' }), false);
});
