import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HealthResponseSchema } from '../../schemas/api-schemas.js';

export default async function healthRoutes(app: FastifyInstance, { version }: { version: string }) {
  const body = {
    status: 'ok' as const,
    service: 'anchorbrowser-mock' as const,
    version,
    pid: process.pid,
    started_at: new Date().toISOString(),
  };
  app.withTypeProvider<ZodTypeProvider>().get(
    '/_mock/health',
    {
      schema: {
        tags: ['Mock control'],
        summary: 'Health check',
        description:
          'Answers 200 once the store is open and the start-up fixtures are loaded. Needs no key. ' +
          'Names the process, so a second start on a held port can say which mock holds it.',
        operationId: 'health',
        response: { 200: HealthResponseSchema },
      },
    },
    async () => body,
  );
}
