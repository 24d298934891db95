import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FixtureError, parseFixtureText } from '../../../fixture-loader/fixture-loader.js';
import { FixtureProblemSchema, LoadSummarySchema, StateSchema } from '../../../schemas/admin-schemas.js';
import { JSON_CONTENT_TYPE, errorBody } from '../../errors.js';
import type { MockContext } from '../../../domain/mock-context.js';
import { errors, tags } from './route-schema.js';

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

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/** POST /fixtures: a fixture document, JSON or YAML, merged into the store. */
export function fixtureRoutes(app: FastifyInstance, mock: MockContext): void {
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.withTypeProvider<ZodTypeProvider>().post(
    '/fixtures',
    {
      config: { bodyTypes: ['application/json', ...YAML_TYPES] },
      schema: {
        tags,
        summary: 'Load a fixture document',
        description:
          'Merges a fixture document (JSON or YAML body; same format as fixture files, without content.file) ' +
          'in one transaction.',
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
        const source =
          typeof body === 'string'
            ? { name, document: parseFixtureText(body, '', name), text: body }
            : { name, document: body };
        const summary = mock.seed([source]);
        return reply.code(201).send({ data: summary });
      } catch (err) {
        if (!(err instanceof FixtureError)) throw err;
        const error = { ...errorBody(400, err.message).error, problems: err.problems };
        return reply.code(400).type(JSON_CONTENT_TYPE).send({ error });
      }
    },
  );
}

/** Counts per account, and their totals. */
function stateSummary(mock: MockContext) {
  const accounts = mock.store
    .counts()
    .map(({ id, api_keys, sessions, downloads }) => ({ id, api_keys, sessions, downloads }));
  const totals = accounts.reduce(
    (t, a) => ({
      accounts: t.accounts + 1,
      api_keys: t.api_keys + a.api_keys,
      sessions: t.sessions + a.sessions,
      downloads: t.downloads + a.downloads,
    }),
    { accounts: 0, api_keys: 0, sessions: 0, downloads: 0 },
  );
  return { data: { accounts, totals } };
}

/** GET and DELETE /state, POST /reset: the store's counts, wiping it, and going back to the start-up fixtures. */
export function stateRoutes(app: FastifyInstance, mock: MockContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/state',
    {
      schema: {
        tags,
        summary: 'Counts per account',
        operationId: 'mockState',
        response: { 200: StateSchema, ...errors },
      },
    },
    async () => stateSummary(mock),
  );

  api.delete(
    '/state',
    {
      schema: {
        tags,
        summary: 'Wipe all data',
        description: 'Removes every account, key, session and download; refills every bucket.',
        operationId: 'mockWipe',
        response: { 200: StateSchema, ...errors },
      },
    },
    async () => {
      mock.wipe();
      return stateSummary(mock);
    },
  );

  api.post(
    '/reset',
    {
      schema: {
        tags,
        summary: 'Back to the start-up fixtures',
        description:
          'Wipes the data and reloads the start-up fixtures in one transaction; refills every bucket. ' +
          'Journal, faults and clock are left as they are.',
        operationId: 'mockReset',
        response: { 200: LoadSummarySchema, ...errors },
      },
    },
    async () => ({ data: mock.reset() }),
  );
}
