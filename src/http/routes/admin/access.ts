import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from '../../errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}

/** With a token, every route of `app` needs `authorization: Bearer <token>`; without one, a loopback caller. */
export function guardAdminAccess(app: FastifyInstance, adminToken: string | undefined): void {
  const expected = adminToken === undefined ? undefined : digest(adminToken);

  // Compared as SHA-256 digests so the comparison is constant-time whatever the lengths.
  const authorized = (request: FastifyRequest) => {
    const m = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    return m !== null && timingSafeEqual(digest(m[1]!.trim()), expected!);
  };

  app.addHook('onRequest', async (request, reply) => {
    if (expected) {
      if (!authorized(request)) {
        reply.header('www-authenticate', 'Bearer realm="anchorbrowser-mock admin"');
        return sendError(reply, 401, 'The /_mock API needs authorization: Bearer <admin token>.');
      }
    } else if (!isLoopback(request.socket.remoteAddress)) {
      return sendError(
        reply,
        403,
        'The /_mock API answers only loopback callers unless the mock runs with --admin-token.',
      );
    }
  });
}
