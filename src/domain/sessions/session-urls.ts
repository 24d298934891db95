// Where a session's browser "is": back at the mock, never at the real
// service. The mock runs no browser; these paths answer WebSocket upgrades
// with a refusal, and the live view with a page of what the session did.

/** `ws://…` (or `wss://…`) form of the public URL, with the session's CDP path. */
export function cdpUrlFor(publicUrl: string, sessionId: string): string {
  return `${publicUrl.replace(/^http/, 'ws')}/cdp/sessions/${encodeURIComponent(sessionId)}`;
}

export function liveViewUrlFor(publicUrl: string, sessionId: string): string {
  return `${publicUrl}/live/sessions/${encodeURIComponent(sessionId)}`;
}
