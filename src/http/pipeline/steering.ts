import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { FaultRuleView } from '../../schemas/admin-schemas.js';
import { JSON_CONTENT_TYPE, MESSAGES, quoted, sendError } from '../errors.js';
import type { ErrorRenderer } from './operation.js';
import type { MockContext } from '../../domain/mock-context.js';
import { pathOf, recordRouted, sessionIdOf } from './journal.js';

/** What a test suite may steer on an operation (see PipelineNeeds). */
export interface SteeringNeeds {
  latency: boolean;
  faults: boolean;
  prefer: readonly number[] | null;
  journal: boolean;
  success?: number;
  errors?: ErrorRenderer;
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
 * The onRequest hook that steers an operation, in order: latency and fault
 * rules, then `Prefer: code=N` for the operation's allowed codes. It runs
 * before the key check, so a fault or a forced answer needs no key and takes
 * no token.
 */
export function steeringHook(mock: MockContext, needs: SteeringNeeds): onRequestHookHandler {
  const allowed = needs.prefer;
  const success = String(needs.success ?? 200);
  const { errors } = needs;
  /** An error in the operation's own shape; `message` undefined: its own message for the status. */
  const fail = (reply: FastifyReply, status: number, message: string | undefined) =>
    errors
      ? reply.code(status).type(JSON_CONTENT_TYPE).send(errors(status, message))
      : sendError(reply, status, message ?? MESSAGES[status as 401 | 404 | 429] ?? 'The request failed.');

  // Callback style: no promise per request on the hot path. A hook that
  // answers does not call done(), which ends the chain there.
  function act(request: FastifyRequest, reply: FastifyReply, rule: FaultRuleView | undefined, done: () => void) {
    if (rule && (rule.status !== undefined || rule.error !== undefined)) {
      request.faultId = rule.id;
      if (rule.error !== undefined) {
        const socket = request.raw.socket;
        if (rule.error === 'reset') socket.resetAndDestroy();
        else socket.end();
        if (needs.journal) recordRouted(mock, request, 0, reply.elapsedTime, 0);
        reply.hijack();
        return;
      }
      if (rule.headers) reply.headers(rule.headers);
      fail(reply, rule.status!, FAULT_MESSAGES[rule.status!] ?? 'Injected fault.');
      return;
    }

    const code = allowed && preferredCode(request.headers.prefer);
    if (!allowed || code === undefined || code === success) return done(); // the route's normal answer
    const n = Number(code);
    if (!allowed.includes(n)) {
      const codes = [success, ...allowed].join(', ');
      fail(reply, 400, `Prefer: code=${quoted(String(code))} is not a response of this route; allowed: ${codes}.`);
      return;
    }
    request.forced = true;
    if (n === 429) reply.headers({ 'retry-after-ms': 1000, 'retry-after': 1 });
    fail(reply, n, errors ? undefined : MESSAGES[n as 401 | 404 | 429]);
  }

  return function steer(request, reply, done) {
    let rule: FaultRuleView | undefined;
    if (needs.faults) {
      const header = request.headers['anchor-api-key'];
      rule = mock.faults.take({
        method: request.method,
        path: pathOf(request),
        sessionId: sessionIdOf(request),
        apiKey: typeof header === 'string' ? header : undefined,
      });
    }
    const delay = (needs.latency ? (mock.latency?.next() ?? 0) : 0) + (rule?.delay_ms ?? 0);
    if (delay > 0) setTimeout(act, delay, request, reply, rule, done);
    else act(request, reply, rule, done);
  };
}
