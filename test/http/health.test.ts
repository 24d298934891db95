import t from 'tap';
import { PACKAGE_VERSION } from '../../src/version.js';
import { buildTestApp, T0 } from '../helpers/app.js';

// /_mock/health names the process behind it, so a second start on a held
// port can say which mock holds it and how to stop it.

type Json = Record<string, unknown>;

t.test('/_mock/health answers 200 with the service, its version, its pid and when it started', async (t) => {
  const before = Date.now();
  const { app } = await buildTestApp(t);
  const res = await app.inject({ url: '/_mock/health' });
  t.equal(res.statusCode, 200);
  const body = JSON.parse(res.body) as Json;
  t.same(Object.keys(body).sort(), ['pid', 'service', 'started_at', 'status', 'version']);
  t.match(body, { status: 'ok', service: 'anchorbrowser-mock', version: PACKAGE_VERSION, pid: process.pid });
  const startedAt = Date.parse(String(body.started_at));
  t.ok(startedAt >= before - 1000 && startedAt <= Date.now(), 'started_at is real time, not the manual clock');
  t.not(startedAt, T0, 'the manual clock does not move it');
});

t.test('the served OpenAPI document describes every field of the health body, all required', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = JSON.parse((await app.inject({ url: '/openapi.json' })).body) as {
    components: { schemas: Record<string, { properties?: Json; required?: string[] }> };
  };
  const schema = doc.components.schemas.HealthResponse;
  t.same(Object.keys(schema?.properties ?? {}).sort(), ['pid', 'service', 'started_at', 'status', 'version']);
  t.same([...(schema?.required ?? [])].sort(), ['pid', 'service', 'started_at', 'status', 'version']);
});
