import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

// The served OpenAPI document keeps the control routes apart, under their own tag.

type Operation = { tags?: string[]; operationId?: string };
type Doc = { tags: Array<{ name: string }>; paths: Record<string, Record<string, Operation>> };

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ path, method, tags: op.tags ?? [] })),
  );

t.test('/openapi.json lists every /_mock route under the tag "Mock control"', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({ url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  const doc = JSON.parse(res.body) as Doc;
  t.ok(
    doc.tags.some((tag) => tag.name === 'Mock control'),
    'the tag is declared',
  );

  const control = operations(doc).filter((op) => op.path.startsWith('/_mock'));
  t.same(control.map((op) => `${op.method.toUpperCase()} ${op.path}`).sort(), [
    'DELETE /_mock/faults',
    'DELETE /_mock/faults/{id}',
    'DELETE /_mock/requests',
    'DELETE /_mock/state',
    'GET /_mock/clock',
    'GET /_mock/faults',
    'GET /_mock/health',
    'GET /_mock/requests',
    'GET /_mock/state',
    'POST /_mock/clock',
    'POST /_mock/faults',
    'POST /_mock/fixtures',
    'POST /_mock/reset',
    'POST /_mock/sessions/{session_id}/downloads',
  ]);
  for (const op of control) t.same(op.tags, ['Mock control'], `${op.method} ${op.path}`);
});

t.test('no emulated route is tagged "Mock control"', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = JSON.parse((await app.inject({ url: '/openapi.json' })).body) as Doc;
  const emulated = operations(doc).filter((op) => !op.path.startsWith('/_mock'));
  t.ok(emulated.length >= 3);
  for (const op of emulated) t.notOk(op.tags.includes('Mock control'), `${op.method} ${op.path}`);
});
