import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HealthResponseSchema } from '../../schemas/api-schemas.js';

export default async function healthRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/_mock/health',
    {
      schema: {
        tags: ['Mock control'],
        summary: 'Health check',
        description: 'Answers 200 once the store is open and the start-up fixtures are loaded. Needs no key.',
        operationId: 'health',
        response: { 200: HealthResponseSchema },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
}
