import type { AsyncView, HistoryPage, SessionView } from '../../../domain/sessions/session-service.js';
import { cdpUrlFor, liveViewUrlFor } from '../../../domain/sessions/session-urls.js';

// The 200 bodies of the lifecycle operations, with every property the vendor
// document declares for them. The mock runs no browser, no proxy, no agent:
// what such a browser would have counted (proxy bytes, steps, tokens) is 0
// or empty.

const iso = (ms: number) => new Date(ms).toISOString();

/** SessionCreateResponseSchema. */
export function createdBody(session: SessionView, publicUrl: string) {
  return {
    data: {
      id: session.id,
      cdp_url: cdpUrlFor(publicUrl, session.id),
      live_view_url: liveViewUrlFor(publicUrl, session.id),
    },
  };
}

/**
 * `GET /v1/sessions/{session_id}`. The document types `tags` as an object
 * although sessions are created with a list: served as declared, keyed by
 * position (`Object.values` gives the list back).
 */
export function sessionBody(session: SessionView) {
  return {
    data: {
      session_id: session.id,
      team_id: session.accountId,
      duration: session.durationSeconds,
      status: session.status,
      credits_used: session.creditsUsed,
      configuration: session.configuration,
      playground: false,
      proxy_bytes: 0,
      tokens: {},
      steps: 0,
      tags: { ...session.tags },
      created_at: iso(session.createdAt),
    },
  };
}

/** SessionStatus, an item of `GET /v1/sessions/all/status`. */
const statusItem = (s: SessionView) => ({
  session_id: s.id,
  status: s.status,
  tags: s.tags,
  created_at: iso(s.createdAt),
});

/** SessionListResponse. */
export function statusListBody(sessions: readonly SessionView[]) {
  return { data: { count: sessions.length, items: sessions.map(statusItem) } };
}

/** SessionHistoryPageItem. `used_credits` is `N/A` while running, as the document describes. */
function historyItem(s: SessionView) {
  return {
    id: s.id,
    status: s.status,
    tags: s.tags,
    headless: s.facts.headless,
    recording: s.facts.recording,
    used_credits: s.status === 'running' ? 'N/A' : s.creditsUsed,
    proxy_bytes: 0,
    proxy_type: s.facts.proxyType,
    steps: 0,
    duration: s.durationSeconds,
    created_at: iso(s.createdAt),
    user_configuration: s.configuration,
    task_initiated: false,
    task_executions_count: 0,
    api_key_name: s.apiKeyName ?? '',
    // No browser, so no IP it was seen from.
    browser_ip: null,
    domains: s.domains,
  };
}

/** SessionHistoryPageResponse. */
export function historyBody(page: HistoryPage) {
  return {
    data: {
      sessions: page.sessions.map(historyItem),
      total: page.total,
      page: page.page,
      total_pages: page.totalPages,
    },
  };
}

/** AsyncSessionCreateResponseSchema: always pending, no session yet. */
export function asyncCreatedBody(request: AsyncView) {
  return { data: { request_id: request.requestId, status: 'pending', session_id: null } };
}

/**
 * AsyncSessionStatusResponseSchema. `session` is absent until the session
 * exists, as the document says; once it does, it carries no `error` (the
 * document: "Error message if session creation failed").
 */
export function asyncStatusBody(request: AsyncView, publicUrl: string) {
  const s = request.session;
  return {
    data: {
      request_id: request.requestId,
      status: request.status,
      created_at: iso(request.createdAt),
      ...(s && {
        session: {
          item_index: 0,
          session_id: s.id,
          // The batch item's own status: its creation completed.
          status: 'completed',
          cdp_url: cdpUrlFor(publicUrl, s.id),
          live_view_url: liveViewUrlFor(publicUrl, s.id),
          retry_count: 0,
          started_at: iso(request.createdAt),
          completed_at: iso(request.readyAt),
          metadata: {},
        },
      }),
      progress: { current_phase: request.phase },
    },
  };
}
