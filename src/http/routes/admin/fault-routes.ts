import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FaultRuleInput, FaultRuleView } from '../../../schemas/admin-schemas.js';
import { ErrorResponseSchema } from '../../../schemas/api-schemas.js';
import { quoted, sendError } from '../../errors.js';
import type { MockContext } from '../../../domain/mock-context.js';
import { errors, tags } from './route-schema.js';

// Apart from its route only for its length, so the registrations below read as a list.
const addFaultSchema = {
  tags,
  summary: 'Add a fault rule',
  description:
    'Matchers method, path (* wildcard), session_id, api_key; then status (in the envelope, with optional ' +
    'headers) or error "reset"/"empty"; optional delay_ms and times. Rules apply in the order added.',
  operationId: 'mockAddFault',
  body: FaultRuleInput,
  response: { 201: z.object({ data: FaultRuleView }), ...errors },
};

/** /faults: add, list and remove fault rules. */
export function faultRoutes(app: FastifyInstance, mock: MockContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/faults', { schema: addFaultSchema }, async (request, reply) =>
    reply.code(201).send({ data: mock.faults.add(request.body) }),
  );

  api.get(
    '/faults',
    {
      schema: {
        tags,
        summary: 'List fault rules',
        operationId: 'mockListFaults',
        response: { 200: z.object({ data: z.array(FaultRuleView) }), ...errors },
      },
    },
    async () => ({ data: mock.faults.list() }),
  );

  api.delete(
    '/faults',
    {
      schema: {
        tags,
        summary: 'Remove every fault rule',
        operationId: 'mockClearFaults',
        response: { 204: z.null().describe('Removed.'), ...errors },
      },
    },
    async (_request, reply) => {
      mock.faults.clear();
      return reply.code(204).send(null);
    },
  );

  api.delete(
    '/faults/:id',
    {
      schema: {
        tags,
        summary: 'Remove one fault rule',
        operationId: 'mockRemoveFault',
        params: z.object({ id: z.string() }),
        response: { 204: z.null().describe('Removed.'), 404: ErrorResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!mock.faults.remove(id)) return sendError(reply, 404, `No fault rule with id "${quoted(id)}".`);
      return reply.code(204).send(null);
    },
  );
}
