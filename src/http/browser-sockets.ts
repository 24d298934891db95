import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from './errors.js';

/**
 * The one answer to anything that wants a browser socket. 501: the request is
 * well formed and the path may well be right, but this server does not
 * implement the protocol (CDP over WebSocket) at all.
 */
export const BROWSER_SOCKET_REFUSAL = {
  status: 501,
  message:
    'anchorbrowser-mock runs no browser: it accepts no WebSocket (CDP) connection. ' +
    'Drive the session through its REST controls (goto, mouse, keyboard, screenshot) instead, and see what it did ' +
    'on its live_view_url.',
} as const;

/** `Upgrade: websocket`, as a token of the header's comma-separated list, in any case. */
export function wantsWebSocket(request: FastifyRequest): boolean {
  const upgrade = request.headers.upgrade;
  return upgrade !== undefined && upgrade.split(',').some((p) => p.trim().toLowerCase() === 'websocket');
}

/**
 * Refuses every WebSocket handshake, on any path: the session's `cdp_url`, and
 * the URLs the official SDK's browser helpers dial from its base URL
 * (`/?apiKey=…&sessionId=…` and `/ws?sessionId=…`). It is an onRequest hook
 * rather than a listener of node:http's 'upgrade' event: on Node 20 a server
 * without such a listener hands upgrade requests to its request listener like
 * any other, whereas a listener would receive every upgrade, and clients that
 * offer `Upgrade: h2c` on an ordinary request (Java's HttpClient, curl --http2)
 * would be refused too instead of answered.
 */
export default fp(
  async function browserSockets(app: FastifyInstance) {
    app.addHook('onRequest', (request, reply, done) => {
      if (!wantsWebSocket(request)) return done();
      // The client asked to switch protocols on this connection; it gets no switch, and no reuse either.
      reply.header('connection', 'close');
      sendError(reply, BROWSER_SOCKET_REFUSAL.status, BROWSER_SOCKET_REFUSAL.message);
    });
    // A plain request on a cdp_url (someone opening it to see what it is) gets the same answer.
    app.get('/cdp/sessions/:session_id', { schema: { hide: true } }, (_request, reply) =>
      sendError(reply, BROWSER_SOCKET_REFUSAL.status, BROWSER_SOCKET_REFUSAL.message),
    );
  },
  { name: 'browser-sockets' },
);
