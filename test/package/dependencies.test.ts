import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import t from 'tap';

// package.json overrides two transitive packages whose latest majors declare
// Node >= 22 (npm ci warned EBADENGINE on Node 20) with older majors that
// still have what their dependents call. Nothing else in the suite would
// notice a pick that lacks it, so both call paths are exercised here.

const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean };
const LOCK = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } }>;
};
const ENGINES = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }
).engines.node;

t.test('every locked package accepts the oldest Node this package supports (no EBADENGINE on npm ci)', async (t) => {
  const oldest = ENGINES.replace(/^>=\s*/, '');
  t.match(oldest, /^\d+\.\d+(\.\d+)?$/, `engines.node is a plain lower bound (${ENGINES})`);
  const version = oldest.split('.').length === 2 ? `${oldest}.0` : oldest;
  const refusing = Object.entries(LOCK.packages)
    .filter(([, p]) => p.engines?.node !== undefined && !semver.satisfies(version, p.engines.node))
    .map(([path, p]) => `${path}@${p.version}: node ${p.engines!.node}`);
  t.same(refusing, [], `every engines.node range admits Node ${version}`);
});

t.test("light-my-request's cookie serialisation works with the overridden cookie package", async (t) => {
  const app = Fastify();
  app.get('/', async (request) => request.headers.cookie ?? '');
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/', cookies: { session: 'abc', theme: 'dark' } });
  t.equal(res.statusCode, 200);
  t.equal(res.body, 'session=abc; theme=dark');
});

t.test("@fastify/static's download names the file with the overridden content-disposition", async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'anchor-mock-static-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'résumé.txt'), 'hello');
  const app = Fastify();
  await app.register(fastifyStatic, { root, serve: false });
  app.get('/file', (_request, reply) => reply.download('résumé.txt'));
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/file' });
  t.equal(res.statusCode, 200);
  t.equal(res.body, 'hello');
  t.match(
    res.headers['content-disposition'],
    /^attachment; filename="r.sum.\.txt"; filename\*=UTF-8''r%C3%A9sum%C3%A9\.txt$/,
  );
});
