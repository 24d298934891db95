import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MockContext } from '../../domain/mock-context.js';
import { renderLiveView, renderLiveViewNotFound, type LiveView } from './render.js';

/** The live view of a session, or undefined for an id that names none. */
export type LiveViewProvider = (sessionId: string) => LiveView | undefined;

/** The live view of a session, from the mock's state as of its clock: status, tags, activity, due downloads. */
export function mockLiveView(mock: MockContext): LiveViewProvider {
  return (sessionId) => {
    const row = mock.store.findSession(sessionId);
    const now = mock.clock.now();
    const session = row && mock.sessions.get(row.account_id, sessionId, now);
    if (!session) return undefined;
    return {
      session: { id: session.id, status: session.status, created_at: session.createdAt, tags: session.tags },
      activity: mock.controls.activity(sessionId),
      downloads: mock.store
        .listDownloads(sessionId)
        .filter((d) => d.visible_from === null || d.visible_from <= now)
        .map((d) => ({ original_file_name: d.original_file_name, size: d.size, created_at: d.created_at })),
    };
  };
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return (
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      // No script runs and nothing loads from elsewhere, whatever a value holds; the URL is the
      // credential, so it goes to no other site as a referrer and stays out of caches.
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'")
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(html)
  );
}

/**
 * `GET /live/sessions/{session_id}`: the page behind a session's live_view_url.
 * It takes no API key: like the vendor's live view, whoever holds the URL may
 * watch (the id is unguessable for sessions created at run time). It is not an
 * operation of the vendor's API, so it is neither journaled nor in the OpenAPI document.
 */
export default async function liveViewRoutes(app: FastifyInstance, { view }: { view: LiveViewProvider }) {
  app.get<{ Params: { session_id: string } }>(
    '/live/sessions/:session_id',
    { schema: { hide: true } },
    (request, reply) => {
      const id = request.params.session_id;
      const found = view(id);
      return found ? sendHtml(reply, 200, renderLiveView(found)) : sendHtml(reply, 404, renderLiveViewNotFound(id));
    },
  );
}
