import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, onResponseHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { fingerprintKey } from '../../domain/api-keys.js';
import type { FaultRuleView } from '../../schemas/admin-schemas.js';
import { MESSAGES, quoted, sendError } from '../errors.js';
import type { MockContext } from '../mock-context.js';

export interface EmulationHooks {
  /**
   * onRequest hook of an emulated route: latency, fault rules, then `Prefer:
   * code=N` for the given codes (the route's contract statuses; none: no Prefer).
   */
  steer(preferCodes?: readonly number[]): onRequestHookHandler;
  /** onResponse hook of an emulated route: the journal. */
  journal: onResponseHookHandler;
}

declare module 'fastify' {
  interface FastifyInstance {
    emulation: EmulationHooks;
  }
  interface FastifyRequest {
    forced: boolean;
    faultId: string | null;
  }
}

const FAULT_MESSAGES: Record<number, string> = {
  ...MESSAGES,
  502: 'Bad gateway.',
  503: 'Service unavailable.',
  504: 'Gateway timeout.',
};

/** The first `code=N` preference of a Prefer header (RFC 7240), as Prism reads it. */
function preferredCode(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return undefined;
  const m = /(?:^|[,;\s])code\s*=\s*"?([^",;\s]*)"?/i.exec(text);
  return m?.[1];
}

/**
 * What a test suite steers on the emulated API, in order: latency and fault
 * rules, then `Prefer: code=…`; and the journal of every request. Runs before
 * the key check so a fault or a forced answer needs no key and takes no token.
 */
export default fp(
  async function emulationControls(app: FastifyInstance, { mock }: { mock: MockContext }) {
    app.decorateRequest('forced', false);
    app.decorateRequest('faultId', null);

    const sessionIdOf = (request: FastifyRequest) => (request.params as { session_id?: string } | undefined)?.session_id;
    const pathOf = (request: FastifyRequest) => {
      const q = request.url.indexOf('?');
      return q === -1 ? request.url : request.url.slice(0, q);
    };
    const keyFingerprint = (request: FastifyRequest) => {
      if (request.keyFingerprint !== undefined) return request.keyFingerprint;
      const key = request.headers['anchor-api-key'];
      return typeof key === 'string' && key !== '' ? fingerprintKey(key) : null;
    };
    const record = (request: FastifyRequest, status: number, durationMs: number, bytes: number) =>
      mock.journal.add({
        timeMs: mock.clock.now(),
        method: request.method,
        path: pathOf(request),
        session_id: sessionIdOf(request) ?? null,
        status,
        duration_ms: Math.round(durationMs * 1000) / 1000,
        response_bytes: bytes,
        key_fingerprint: keyFingerprint(request),
        forced: request.forced,
        fault_id: request.faultId,
      });

    // Callback-style hooks: no promise per request on the hot path. A hook
    // that answers does not call done(), which ends the chain there.
    function act(
      request: FastifyRequest,
      reply: FastifyReply,
      rule: FaultRuleView | undefined,
      allowed: readonly number[] | undefined,
      done: () => void,
    ) {
      if (rule && (rule.status !== undefined || rule.error !== undefined)) {
        request.faultId = rule.id;
        if (rule.error !== undefined) {
          const socket = request.raw.socket;
          if (rule.error === 'reset') socket.resetAndDestroy();
          else socket.end();
          record(request, 0, reply.elapsedTime, 0);
          reply.hijack();
          return;
        }
        if (rule.headers) reply.headers(rule.headers);
        sendError(reply, rule.status!, FAULT_MESSAGES[rule.status!] ?? 'Injected fault.');
        return;
      }

      const code = allowed && preferredCode(request.headers.prefer);
      if (!allowed || code === undefined || code === '200') return done(); // 200: the route's normal answer
      const n = Number(code);
      if (!allowed.includes(n)) {
        const choices = [200, ...allowed].join(', ');
        sendError(reply, 400, `Prefer: code=${quoted(code)} is not a response of this route; allowed: ${choices}.`);
        return;
      }
      request.forced = true;
      if (n === 429) reply.headers({ 'retry-after-ms': 1000, 'retry-after': 1 });
      sendError(reply, n, MESSAGES[n as 401 | 404 | 429]);
    }

    // Route-level hooks (not global ones that test a route flag): nothing runs
    // for other routes, and nothing reads request.routeOptions, which Fastify
    // builds anew on every access.
    app.decorate('emulation', {
      steer: (preferCodes?: readonly number[]): onRequestHookHandler =>
        function steer(request, reply, done) {
          const header = request.headers['anchor-api-key'];
          const rule = mock.faults.take({
            method: request.method,
            path: pathOf(request),
            sessionId: sessionIdOf(request),
            apiKey: typeof header === 'string' ? header : undefined,
          });
          const delay = (mock.latency?.next() ?? 0) + (rule?.delay_ms ?? 0);
          if (delay > 0) setTimeout(act, delay, request, reply, rule, preferCodes, done);
          else act(request, reply, rule, preferCodes, done);
        },
      journal: function journal(request, reply, done) {
        const length = reply.getHeader('content-length');
        // A HEAD answer carries the length of a body it does not send.
        const bytes = length === undefined || request.method === 'HEAD' ? 0 : Number(length);
        record(request, reply.statusCode, reply.elapsedTime, bytes);
        done();
      },
    } satisfies EmulationHooks);
  },
  { name: 'emulation-controls', dependencies: ['error-envelope'] },
);
