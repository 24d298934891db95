import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { quoted, sendError, sendMalformedRequest } from '../errors.js';
import { ROUTER_OPTIONS } from '../operations/vendor-table.js';

/** A 405 in the envelope, with `Allow`. */
export function sendMethodNotAllowed(request: FastifyRequest, reply: FastifyReply, allow: string): FastifyReply {
  reply.header('allow', allow);
  return sendError(reply, 405, `Method ${quoted(request.method)} is not allowed on this path; allowed: ${allow}.`);
}

type PathRouter = FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;

/** Routers of known paths by the routes they hold: apps built alike in one process share one. */
const routers = new Map<string, PathRouter>();

/**
 * The app's own routes by URL with their methods, collected as they are
 * registered, to answer a request no route took: 405 with `Allow` for a known
 * path asked with another method (no key needed, no token taken), else 404.
 * The paths are matched on the first such request, not at start.
 */
export class KnownRoutes {
  readonly #byUrl = new Map<string, Set<string>>();
  #router: PathRouter | undefined;

  constructor(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      // Catch-alls and the docs UI's static routes are not ours to police.
      if (route.url.includes('*') || route.url.startsWith('/docs')) return;
      const methods = this.#byUrl.get(route.url) ?? new Set<string>();
      for (const m of [route.method].flat()) methods.add(m);
      this.#byUrl.set(route.url, methods);
    });
  }

  /** Answers a request that reached no route (see the class). */
  answer(request: FastifyRequest, reply: FastifyReply): void {
    const found = this.#routes().find('GET', request.url);
    if (found?.store === null) {
      // A parameter longer than the router takes, as Fastify's router answers it.
      const path = (found.handler as unknown as () => string)();
      sendMalformedRequest(reply, request.url, `'${path}' is exceeding the max param length`);
      return;
    }
    const allow = found?.store as string | undefined;
    if (allow !== undefined && !allow.split(', ').includes(request.method)) {
      sendMethodNotAllowed(request, reply, allow);
      return;
    }
    reply.callNotFound();
  }

  #routes(): PathRouter {
    if (this.#router) return this.#router;
    const paths = [...this.#byUrl].map(([url, methods]) => [url, [...methods].sort().join(', ')] as const);
    const signature = JSON.stringify(paths);
    let router = routers.get(signature);
    if (!router) {
      router = FindMyWay({ ...ROUTER_OPTIONS, onMaxParamLength: (path: string) => path });
      // Under one method: a path matches whatever the request's method, so that a 405 can name it.
      for (const [url, allow] of paths) router.on('GET', url, () => undefined, allow);
      routers.set(signature, router);
    }
    this.#router = router;
    return router;
  }
}
