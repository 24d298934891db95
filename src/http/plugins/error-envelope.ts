import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { JSON_CONTENT_TYPE, MESSAGES, quoted, sendError as sendEnvelope } from '../errors.js';

declare module 'fastify' {
  /** Set on a request answered by a route that serves several operations: what its config would say. */
  interface FastifyRequest {
    bodyTypes?: readonly string[];
    errorBody?: (status: number, message?: string) => string;
  }
  interface FastifyContextConfig {
    /** The body types a route takes, named in its 415; application/json when not given. */
    bodyTypes?: readonly string[];
    /** The route's error body for a status, where it is not the envelope (a vendor operation's declared shape). */
    errorBody?: (status: number, message?: string) => string;
  }
}

/** Why a body was refused, and what to send instead. */
function unsupportedMediaType(request: FastifyRequest): string {
  const types = request.bodyTypes ?? request.routeOptions.config.bodyTypes ?? ['application/json'];
  const takes = `this route takes ${types.join(', ')}`;
  const sent = request.headers['content-type'];
  if (sent === undefined) return `A body needs a content-type: ${takes}.`;
  return `Unsupported content-type "${quoted(sent)}": ${takes}.`;
}

/**
 * Every answer the router gives that is not a success goes out in the API's
 * envelope {"error":{"code","message"}}: unknown routes, validation failures,
 * parser errors and unexpected exceptions (generic message; details logged).
 */
export default fp(
  async function errorEnvelope(app: FastifyInstance) {
    app.decorateRequest('bodyTypes', undefined);
    app.decorateRequest('errorBody', undefined);
    app.setNotFoundHandler((request, reply) => {
      sendEnvelope(reply, 404, `No route for ${quoted(request.method)} ${quoted(request.url.split('?')[0]!)}.`);
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      // In the route's own error shape where it declares one.
      const render = request.errorBody ?? request.routeOptions.config.errorBody;
      const sendError = (_reply: typeof reply, status: number, message: string) =>
        render
          ? reply.code(status).type(JSON_CONTENT_TYPE).send(render(status, message))
          : sendEnvelope(reply, status, message);
      if (hasZodFastifySchemaValidationErrors(error)) {
        const first = error.validation[0];
        const field = (first?.instancePath ?? '').split('/').filter(Boolean).join('.');
        const where = `${error.validationContext ?? 'request'}${field ? `.${field}` : ''}`;
        // Field names and zod's messages (an unknown key, say) can repeat the request.
        sendError(reply, 400, `Invalid ${quoted(where)}: ${quoted(first?.message ?? 'does not match the schema')}.`);
        return;
      }
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        sendError(
          reply,
          413,
          `Request body is larger than the limit of ${request.routeOptions.bodyLimit} bytes (--body-limit).`,
        );
        return;
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        sendError(reply, 415, unsupportedMediaType(request));
        return;
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        sendError(reply, status, quoted(error.message));
        return;
      }
      request.log.error({ err: error }, 'unexpected error');
      sendError(reply, 500, MESSAGES[500]);
    });
  },
  { name: 'error-envelope' },
);
