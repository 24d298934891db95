import type { Test } from 'tap';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/index.js';
import { smallWorld, T0 } from '../helpers/app.js';

// A mock listening on 127.0.0.1 and plain fetch against it: the admin API and
// the programmatic API as a test suite in another process would use them.

export const KEY = 'ak_test_acme';
export const keyHeader = { 'anchor-api-key': KEY };

/** startMockServer with the small world, no rate limit and a manual clock at T0; closed at teardown. */
export async function startTestMock(t: Test, options: MockServerOptions = {}): Promise<MockServer> {
  const mock = await startMockServer({
    fixtures: [smallWorld],
    rateLimit: false,
    clock: { mode: 'manual', now: T0 },
    ...options,
  });
  t.teardown(() => mock.close());
  return mock;
}

/** A response in the shape expectContract takes, read to the end. */
export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is (set its content-type in headers). */
  body?: unknown;
}

export async function call(mock: MockServer, path: string, options: CallOptions = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(mock.url + path, { method: options.method ?? 'GET', headers, body });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

/** A /_mock call answering JSON (or nothing, for 204). */
export async function admin(
  mock: MockServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<HttpAnswer & { json: any }> {
  const res = await call(mock, `/_mock${path}`, { method, body, headers });
  return { ...res, json: res.body === '' ? undefined : JSON.parse(res.body) };
}

/** Asserts the error envelope {"error":{"code","message"}} of a /_mock answer. */
export function expectEnvelope(
  t: Test,
  res: HttpAnswer | { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  t.equal(res.statusCode, status, `status ${status}`);
  t.match(String(res.headers['content-type']), /^application\/json/, 'JSON content type');
  const body = JSON.parse(res.body) as { error: { code: number; message: string; problems?: unknown[] } };
  t.equal(body.error?.code, status, 'error.code is the status');
  t.type(body.error?.message, 'string', 'error.message');
  t.ok(body.error.message.length > 0, 'a message');
  return body.error;
}
