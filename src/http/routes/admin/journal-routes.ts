import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JournalQuery, JournalResponse } from '../../../schemas/admin-schemas.js';
import type { MockContext } from '../../../domain/mock-context.js';
import { errors, tags } from './route-schema.js';

/** GET and DELETE /requests: the request journal. */
export function journalRoutes(app: FastifyInstance, mock: MockContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/requests',
    {
      schema: {
        tags,
        summary: 'The request journal',
        description:
          'Requests to the emulated API, oldest first, with their bodies (secrets redacted, cut at 16 KB). ' +
          'Keys appear only as fingerprints.',
        operationId: 'mockRequests',
        querystring: JournalQuery,
        response: { 200: JournalResponse, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const items = mock.journal.list({
        method: q.method,
        path: q.path,
        sessionId: q.session_id,
        status: q.status,
        since: q.since === undefined ? undefined : Date.parse(q.since),
        limit: q.limit,
      });
      return { data: { count: items.length, items } };
    },
  );

  api.delete(
    '/requests',
    {
      schema: {
        tags,
        summary: 'Clear the journal',
        operationId: 'mockClearRequests',
        response: { 204: z.null().describe('Cleared.'), ...errors },
      },
    },
    async (_request, reply) => {
      mock.journal.clear();
      return reply.code(204).send(null);
    },
  );
}
