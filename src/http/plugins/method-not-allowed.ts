import type { FastifyInstance, HTTPMethods } from 'fastify';
import fp from 'fastify-plugin';
import { quoted, sendError } from '../errors.js';

/**
 * Answers 405 with `Allow` for a known path asked with another method (no key
 * needed, no token taken). Register it last: it covers the routes before it.
 */
export function collectRoutes(app: FastifyInstance): Map<string, Set<string>> {
  const byUrl = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    // The docs UI's static routes are not ours to police.
    if (route.url.includes('*') || route.url.startsWith('/docs')) return;
    const methods = byUrl.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) methods.add(m);
    byUrl.set(route.url, methods);
  });
  return byUrl;
}

export default fp(
  async function methodNotAllowed(app: FastifyInstance, { routes }: { routes: Map<string, Set<string>> }) {
    for (const [url, methods] of [...routes]) {
      const allow = [...methods].sort().join(', ');
      const others = app.supportedMethods.filter((m) => !methods.has(m)) as HTTPMethods[];
      if (others.length === 0) continue;
      app.route({
        method: others,
        url,
        schema: { hide: true },
        exposeHeadRoute: false,
        // Answered before the body is parsed: a body of any type, or a malformed one, still gets 405.
        onRequest: (request, reply) => {
          reply.header('allow', allow);
          sendError(reply, 405, `Method ${quoted(request.method)} is not allowed on this path; allowed: ${allow}.`);
        },
        handler: () => undefined,
      });
    }
  },
  { name: 'method-not-allowed' },
);
