import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_EPOCH_MS } from '../../domain/clock.js';
import { FixtureError, parseFixtureText } from '../../fixture-loader/fixture-loader.js';
import {
  ClockBody,
  ClockState,
  FaultRuleInput,
  FaultRuleView,
  FixtureProblemSchema,
  JournalQuery,
  JournalResponse,
  LoadSummarySchema,
  StateSchema,
} from '../../schemas/admin-schemas.js';
import { ErrorResponseSchema } from '../../schemas/api-schemas.js';
import { JSON_CONTENT_TYPE, errorBody, quoted, sendError } from '../errors.js';
import type { MockContext } from '../mock-context.js';

export interface AdminOptions {
  mock: MockContext;
  /** When set, every route here needs `authorization: Bearer <token>`; else only loopback callers. */
  adminToken?: string;
}

const tags = ['Mock control'];

const FixtureErrorResponse = z
  .object({
    error: z.object({
      code: z.int(),
      message: z.string(),
      problems: z.array(FixtureProblemSchema).optional(),
    }),
  })
  .describe(
    'The error envelope; for rejected fixtures, error.problems lists every problem with its path ' +
      '(and, in a text body, its line and column).',
  );
const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema };
const digest = (s: string) => createHash('sha256').update(s).digest();

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/**
 * The control API under /_mock: load fixtures, inspect and wipe state, the
 * request journal, fault rules and the clock. Registered with prefix /_mock.
 */
export default async function adminRoutes(app: FastifyInstance, { mock, adminToken }: AdminOptions) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const expected = adminToken === undefined ? undefined : digest(adminToken);

  // Compared as SHA-256 digests so the comparison is constant-time whatever the lengths.
  const authorized = (request: FastifyRequest) => {
    const m = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    return m !== null && timingSafeEqual(digest(m[1]!.trim()), expected!);
  };

  app.addHook('onRequest', async (request, reply) => {
    if (expected) {
      if (!authorized(request)) {
        reply.header('www-authenticate', 'Bearer realm="anchorbrowser-mock admin"');
        return sendError(reply, 401, 'The /_mock API needs authorization: Bearer <admin token>.');
      }
    } else if (!isLoopback(request.socket.remoteAddress)) {
      return sendError(reply, 403, 'The /_mock API answers only loopback callers unless the mock runs with --admin-token.');
    }
  });

  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  api.post(
    '/fixtures',
    {
      config: { bodyTypes: ['application/json', ...YAML_TYPES] },
      schema: {
        tags,
        summary: 'Load a fixture document',
        description: 'Merges a fixture document (JSON or YAML body; same format as fixture files, without content.file) in one transaction.',
        operationId: 'mockLoadFixtures',
        response: { 201: LoadSummarySchema, ...errors, 400: FixtureErrorResponse },
      },
    },
    async (request, reply) => {
      const name = 'request body';
      const body = request.body;
      try {
        // A body sent as text keeps it, to give problems their line and column;
        // JSON arrives parsed and its problems carry paths only.
        const source = typeof body === 'string'
          ? { name, document: parseFixtureText(body, '', name), text: body }
          : { name, document: body };
        const summary = mock.seed([source]);
        return reply.code(201).send({ data: summary });
      } catch (err) {
        if (!(err instanceof FixtureError)) throw err;
        return reply.code(400).type(JSON_CONTENT_TYPE).send({ error: { ...errorBody(400, err.message).error, problems: err.problems } });
      }
    },
  );

  const stateSummary = () => {
    const accounts = mock.store.counts().map(({ id, api_keys, sessions, downloads }) => ({ id, api_keys, sessions, downloads }));
    const totals = accounts.reduce(
      (t, a) => ({ accounts: t.accounts + 1, api_keys: t.api_keys + a.api_keys, sessions: t.sessions + a.sessions, downloads: t.downloads + a.downloads }),
      { accounts: 0, api_keys: 0, sessions: 0, downloads: 0 },
    );
    return { data: { accounts, totals } };
  };

  api.get('/state', { schema: { tags, summary: 'Counts per account', operationId: 'mockState', response: { 200: StateSchema, ...errors } } }, async () => stateSummary());

  api.delete(
    '/state',
    { schema: { tags, summary: 'Wipe all data', description: 'Removes every account, key, session and download; refills every bucket.', operationId: 'mockWipe', response: { 200: StateSchema, ...errors } } },
    async () => {
      mock.wipe();
      return stateSummary();
    },
  );

  api.post(
    '/reset',
    {
      schema: {
        tags,
        summary: 'Back to the start-up fixtures',
        description: 'Wipes the data and reloads the start-up fixtures in one transaction; refills every bucket. Journal, faults and clock are left as they are.',
        operationId: 'mockReset',
        response: { 200: LoadSummarySchema, ...errors },
      },
    },
    async () => ({ data: mock.reset() }),
  );

  api.get(
    '/requests',
    {
      schema: {
        tags,
        summary: 'The request journal',
        description: 'Requests to the emulated API, oldest first. Keys appear only as fingerprints.',
        operationId: 'mockRequests',
        querystring: JournalQuery,
        response: { 200: JournalResponse, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const items = mock.journal.list({
        sessionId: q.session_id,
        status: q.status,
        since: q.since === undefined ? undefined : Date.parse(q.since),
        limit: q.limit,
      });
      return { data: { count: items.length, items } };
    },
  );

  api.delete('/requests', { schema: { tags, summary: 'Clear the journal', operationId: 'mockClearRequests', response: { 204: z.null().describe('Cleared.'), ...errors } } }, async (_request, reply) => {
    mock.journal.clear();
    return reply.code(204).send(null);
  });

  api.post(
    '/faults',
    {
      schema: {
        tags,
        summary: 'Add a fault rule',
        description:
          'Matchers method, path (* wildcard), session_id, api_key; then status (in the envelope, with optional headers) or error "reset"/"empty"; optional delay_ms and times. Rules apply in the order added.',
        operationId: 'mockAddFault',
        body: FaultRuleInput,
        response: { 201: z.object({ data: FaultRuleView }), ...errors },
      },
    },
    async (request, reply) => reply.code(201).send({ data: mock.faults.add(request.body) }),
  );

  api.get('/faults', { schema: { tags, summary: 'List fault rules', operationId: 'mockListFaults', response: { 200: z.object({ data: z.array(FaultRuleView) }), ...errors } } }, async () => ({
    data: mock.faults.list(),
  }));

  api.delete('/faults', { schema: { tags, summary: 'Remove every fault rule', operationId: 'mockClearFaults', response: { 204: z.null().describe('Removed.'), ...errors } } }, async (_request, reply) => {
    mock.faults.clear();
    return reply.code(204).send(null);
  });

  api.delete(
    '/faults/:id',
    { schema: { tags, summary: 'Remove one fault rule', operationId: 'mockRemoveFault', params: z.object({ id: z.string() }), response: { 204: z.null().describe('Removed.'), 404: ErrorResponseSchema, ...errors } } },
    async (request, reply) => {
      const { id } = request.params;
      if (!mock.faults.remove(id)) return sendError(reply, 404, `No fault rule with id "${quoted(id)}".`);
      return reply.code(204).send(null);
    },
  );

  const clockState = () => ({ data: { mode: mock.clock.mode, now: new Date(mock.clock.now()).toISOString(), epoch_ms: mock.clock.now() } });

  api.get('/clock', { schema: { tags, summary: 'The mock clock', operationId: 'mockClock', response: { 200: ClockState, ...errors } } }, async () => clockState());

  api.post(
    '/clock',
    {
      schema: {
        tags,
        summary: 'Move or switch the mock clock',
        description:
          'The clock behind token buckets, signed-URL expiry and generated created_at. ' +
          '{"advance_ms": N}, {"now": "<ISO>"}, {"mode": "real"|"manual"}. ' +
          'Switching mode keeps the current time: "real" runs on from where the clock stood. ' +
          '{"now": "wall"} sets it to the wall clock\'s time; ' +
          '{"mode": "real", "now": "wall"} follows the wall clock again.',
        operationId: 'mockSetClock',
        body: ClockBody,
        response: { 200: ClockState, ...errors },
      },
    },
    async (request, reply) => {
      const { mode, advance_ms, now } = request.body;
      const wall = now === 'wall';
      const target =
        advance_ms !== undefined
          ? mock.clock.now() + advance_ms
          : now !== undefined && !wall
            ? Date.parse(now)
            : mock.clock.now();
      if (target < 0 || target > MAX_EPOCH_MS) return sendError(reply, 400, 'The clock must stay between 1970-01-01 and 9999-12-31.');
      if (mode !== undefined) mock.clock.setMode(mode);
      if (advance_ms !== undefined) mock.clock.advance(advance_ms);
      if (wall) mock.clock.setToWall();
      else if (now !== undefined) mock.clock.set(Date.parse(now));
      return clockState();
    },
  );
}
