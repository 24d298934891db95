import type { Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Clock } from '../../src/domain/clock.js';
import { loadFixtures, type FixtureSource } from '../../src/fixture-loader/fixture-loader.js';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import { JSON_CONTENT_TYPE } from '../../src/http/errors.js';
import type { FixtureDocument } from '../../src/schemas/fixture-schema.js';
import { Store } from '../../src/store/store.js';
import { contractProblems } from './contract.js';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

export const SESSION = 'sess-1';
export const OTHER_SESSION = 'sess-other';
export const EMPTY_SESSION = 'sess-empty';

/** A small world: acme with two keys and two sessions, globex with one session. */
export const smallWorld: FixtureDocument = {
  accounts: [
    {
      id: 'acme',
      api_keys: ['ak_test_acme', { key: 'ak_test_tight', rate_limit: { capacity: 2, refill_per_second: 0.5 } }],
      sessions: [
        {
          id: SESSION,
          created_at: '2025-01-18T03:30:00.000Z',
          downloads: [
            {
              id: 'dl-b',
              original_download_url: 'https://example.com/files/report.pdf',
              origin_url: 'https://example.com/files/',
              original_file_name: 'report.pdf',
              duration: 120,
              created_at: '2025-01-18T03:35:00.000Z',
              content: { text: '%PDF-1.4 pretend' },
            },
            {
              id: 'dl-a',
              original_download_url: 'https://example.com/files/document.doc',
              origin_url: 'https://example.com/files/',
              original_file_name: 'document.doc',
              suggested_file_name: 'document (2).doc',
              duration: 2025,
              created_at: '2025-01-18T03:34:56.043Z',
              size: 1000,
            },
            {
              id: 'dl-c',
              original_download_url: 'https://example.com/files/b%C3%A9r%C3%A9.txt',
              origin_url: 'https://example.com/',
              original_file_name: 'béré – 報告.txt',
              created_at: '2025-01-18T03:35:00.000Z',
              content: { text: '' },
            },
          ],
        },
        { id: EMPTY_SESSION, created_at: '2025-01-18T04:00:00.000Z' },
      ],
    },
    {
      id: 'globex',
      api_keys: ['ak_test_globex'],
      sessions: [
        {
          id: OTHER_SESSION,
          downloads: [
            {
              id: 'dl-g',
              original_download_url: 'https://example.org/g.zip',
              origin_url: 'https://example.org/',
              original_file_name: 'g.zip',
              size: 10,
            },
          ],
        },
      ],
    },
  ],
};

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  clock: Clock;
}

/** An app on an in-memory store with a manual clock, closed at teardown. */
export async function buildTestApp(
  t: Test,
  options: Partial<AppOptions> & {
    fixtures?: Array<FixtureDocument | FixtureSource>;
    /** Another copy of buildApp (one loaded with t.mockImport); default the real one. */
    build?: typeof buildApp;
  } = {},
): Promise<TestApp> {
  const store = options.store ?? new Store({ path: ':memory:' });
  const clock = options.clock ?? new Clock({ mode: 'manual', now: T0 });
  const fixtures = options.fixtures ?? [smallWorld];
  loadFixtures(
    store,
    fixtures.map((f, i) => ('accounts' in f ? { name: `fixture ${i}`, document: f } : f)),
    { now: clock.now() },
  );
  const app = await (options.build ?? buildApp)({
    rateLimit: { capacity: 60, refillPerSecond: 10 },
    signedUrlTtlSeconds: 3600,
    publicUrl: 'http://mock.test:4010',
    signingSecret: 'test-secret',
    ...options,
    store,
    clock,
  });
  t.teardown(async () => {
    await app.close();
    store.close();
  });
  return { app, store, clock };
}

/** Asserts the status, the JSON content type and the contract's schema for a response of the emulated API. */
export function expectContract(
  t: Test,
  res: LightMyRequestResponse | { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  t.equal(res.statusCode, status, `status ${status}`);
  t.equal(res.headers['content-type'], JSON_CONTENT_TYPE, 'JSON content type');
  const body = JSON.parse(res.body) as unknown;
  t.same(contractProblems(status, body), [], 'body matches the contract schema');
  return body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const listUrl = (sessionId: string) => `/v1/sessions/${encodeURIComponent(sessionId)}/downloads`;
export const fileUrl = (sessionId: string, downloadId: string) =>
  `/sessions/${encodeURIComponent(sessionId)}/downloads/${encodeURIComponent(downloadId)}/fetch`;
