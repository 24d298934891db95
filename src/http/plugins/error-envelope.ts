import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { MESSAGES, sendError } from '../errors.js';

/**
 * Every answer the router gives that is not a success goes out in the API's
 * envelope {"error":{"code","message"}}: unknown routes, validation failures,
 * parser errors and unexpected exceptions (generic message; details logged).
 */
export default fp(
  async function errorEnvelope(app: FastifyInstance) {
    app.setNotFoundHandler((request, reply) => {
      sendError(reply, 404, `No route for ${request.method} ${request.url.split('?')[0]}.`);
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(error)) {
        const first = error.validation[0];
        const field = (first?.instancePath ?? '').split('/').filter(Boolean).join('.');
        const where = `${error.validationContext ?? 'request'}${field ? `.${field}` : ''}`;
        sendError(reply, 400, `Invalid ${where}: ${first?.message ?? 'does not match the schema'}.`);
        return;
      }
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        sendError(reply, 413, `Request body is larger than the limit of ${request.routeOptions.bodyLimit} bytes (--body-limit).`);
        return;
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        sendError(reply, status, error.message);
        return;
      }
      request.log.error({ err: error }, 'unexpected error');
      sendError(reply, 500, MESSAGES[500]);
    });
  },
  { name: 'error-envelope' },
);
