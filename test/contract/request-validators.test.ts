import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import t from 'tap';
import { CHECKS_DIR, checksFile } from '../../src/contract/request-validation.js';
import { vendorOperations } from '../../src/contract/vendor-operations.js';

// The request checks the build compiles (scripts/build-validators.mjs): a file
// per operation that takes a query or a body, needing nothing at run time.

type Check = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; keyword: string }> | null };
type Checks = { key: string; query?: Check; body?: Check };
const load = createRequire(import.meta.url);
const files = readdirSync(CHECKS_DIR);
const byKey = new Map(files.map((file) => load(join(CHECKS_DIR, file)) as Checks).map((c) => [c.key, c]));
const checks = {
  query: Object.fromEntries([...byKey].filter(([, c]) => c.query).map(([key, c]) => [key, c.query!])),
  body: Object.fromEntries([...byKey].filter(([, c]) => c.body).map(([key, c]) => [key, c.body!])),
};

t.test('every operation with a query or a body has its compiled check, and no other has one', async (t) => {
  const operations = vendorOperations();
  const withQuery = operations.filter((o) => o.parameters.some((p) => p.in === 'query')).map((o) => o.key);
  const withBody = operations.filter((o) => o.body).map((o) => o.key);
  t.same(Object.keys(checks.query).sort(), withQuery.sort());
  t.same(Object.keys(checks.body).sort(), withBody.sort());
  for (const check of [...Object.values(checks.query), ...Object.values(checks.body)]) t.type(check, 'function');
  for (const key of byKey.keys()) t.ok(files.includes(checksFile(key)), `${key}: in the file named for it`);
});

t.test('the compiled checks need no package at run time (Ajv is a build-time tool)', async (t) => {
  for (const file of files) t.notMatch(readFileSync(join(CHECKS_DIR, file), 'utf8'), /require\(/, file);
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
