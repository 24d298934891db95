import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { MAX_EPOCH_MS } from '../../../domain/clock.js';
import { ClockBody, ClockState } from '../../../schemas/admin-schemas.js';
import { sendError } from '../../errors.js';
import type { MockContext } from '../../../domain/mock-context.js';
import { errors, tags } from './route-schema.js';

/** GET and POST /clock: read, move or switch the mock clock. */
export function clockRoutes(app: FastifyInstance, mock: MockContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const clockState = () => ({
    data: { mode: mock.clock.mode, now: new Date(mock.clock.now()).toISOString(), epoch_ms: mock.clock.now() },
  });

  api.get(
    '/clock',
    { schema: { tags, summary: 'The mock clock', operationId: 'mockClock', response: { 200: ClockState, ...errors } } },
    async () => clockState(),
  );

  api.post(
    '/clock',
    {
      schema: {
        tags,
        summary: 'Move or switch the mock clock',
        description:
          'The clock behind token buckets, signed-URL expiry and generated created_at. ' +
          '{"advance_ms": N}, {"now": "<ISO>"}, {"mode": "real"|"manual"}. ' +
          'Switching mode keeps the current time: "real" runs on from where the clock stood. ' +
          '{"now": "wall"} sets it to the wall clock\'s time; ' +
          '{"mode": "real", "now": "wall"} follows the wall clock again.',
        operationId: 'mockSetClock',
        body: ClockBody,
        response: { 200: ClockState, ...errors },
      },
    },
    async (request, reply) => {
      const { mode, advance_ms, now } = request.body;
      const wall = now === 'wall';
      const target =
        advance_ms !== undefined
          ? mock.clock.now() + advance_ms
          : now !== undefined && !wall
            ? Date.parse(now)
            : mock.clock.now();
      if (target < 0 || target > MAX_EPOCH_MS) {
        return sendError(reply, 400, 'The clock must stay between 1970-01-01 and 9999-12-31.');
      }
      if (mode !== undefined) mock.clock.setMode(mode);
      if (advance_ms !== undefined) mock.clock.advance(advance_ms);
      if (wall) mock.clock.setToWall();
      else if (now !== undefined) mock.clock.set(Date.parse(now));
      return clockState();
    },
  );
}
