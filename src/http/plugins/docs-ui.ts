import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import errorEnvelope from './error-envelope.js';

const PREFIX = '/docs';

/**
 * The docs UI under /docs, loaded on the first request for it: the UI and
 * its static-file plugin are a noticeable part of a start that most runs of
 * the mock, test suites above all, never use. The UI lives in an app of its
 * own, built once, that reads the served document from this one and answers
 * on the same connection.
 */
async function docsUi(app: FastifyInstance) {
  let ui: Promise<FastifyInstance> | undefined;
  const build = async () => {
    const [{ default: Fastify }, { default: swaggerUi }] = await Promise.all([
      import('fastify'),
      import('@fastify/swagger-ui'),
    ]);
    const sub = Fastify({ logger: false, http: { requireHostHeader: false } });
    await sub.register(errorEnvelope);
    // The UI asks for @fastify/swagger by name; this one hands it the served document.
    await sub.register(
      fp(
        async (inner: FastifyInstance) => {
          inner.decorate('swagger', app.swagger.bind(app));
        },
        { name: '@fastify/swagger' },
      ),
    );
    await sub.register(swaggerUi, { routePrefix: PREFIX, uiConfig: { deepLinking: false } });
    await sub.ready();
    return sub;
  };
  app.addHook('onClose', async () => {
    if (ui) await (await ui.catch(() => undefined))?.close();
  });
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    ui ??= build();
    // A failed build is tried again on the next request.
    const sub = await ui.catch((err: unknown) => {
      ui = undefined;
      throw err;
    });
    reply.hijack();
    sub.routing(request.raw, reply.raw);
  };
  for (const url of [PREFIX, `${PREFIX}/`, `${PREFIX}/*`]) app.get(url, { schema: { hide: true } }, handler);
}

export default fp(docsUi, { name: 'docs-ui', dependencies: ['openapi'] });
