import type { OperationCall, OperationResult, StatefulHandlers } from '../../../contract/stateful.js';
import type { MockContext } from '../../../domain/mock-context.js';
import { sessionInfo } from '../../../domain/sessions/session-lookup.js';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page the mock "fetched": no network is touched, so it names the URL and says who answered. */
function pageOf(url: string, format: unknown): string {
  if (format === 'markdown') return `# ${url}\n\nFetched by anchorbrowser-mock, which loads no page.\n`;
  return (
    `<!doctype html><html><head><title>${escape(url)}</title></head>` +
    `<body><p>Fetched by anchorbrowser-mock, which loads no page: ${escape(url)}</p></body></html>`
  );
}

/**
 * `POST /v1/tools/fetch-webpage` (the SDK's path): the `url` it names, or
 * without one, the current page of the session `sessionId` names
 * (docs/contract.md), or about:blank given neither. Answered as text, as the SDK asks.
 */
function fetchWebpage(call: OperationCall, mock: MockContext): OperationResult {
  const body = (call.body ?? {}) as { url?: unknown; format?: unknown };
  const sessionId = typeof call.query.sessionId === 'string' ? call.query.sessionId : undefined;
  let url = typeof body.url === 'string' && body.url !== '' ? body.url : undefined;
  if (url === undefined && sessionId !== undefined) {
    const session = sessionInfo(mock, call.account.id, sessionId);
    if (!session) return { status: 404, message: 'Session not found.' };
    url = mock.controls.pages(sessionId)[0]?.url ?? 'about:blank';
  }
  // Neither: the SDK's own required-only call, answered with a blank page.
  return { status: 200, body: pageOf(url ?? 'about:blank', body.format), contentType: 'text/plain; charset=utf-8' };
}

export const toolHandlers: StatefulHandlers = { 'POST /v1/tools/fetch-webpage': fetchWebpage };
