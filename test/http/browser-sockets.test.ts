import { connect } from 'node:net';
import type { Test } from 'tap';
import t from 'tap';
import Anchorbrowser from 'anchorbrowser';
import { getAgentWsUrl, getCdpUrl } from 'anchorbrowser/lib/browser';
import { chromium } from 'playwright-core';
import { BROWSER_SOCKET_REFUSAL } from '../../src/http/browser-sockets.js';
import { cdpUrlFor as cdpUrl } from '../../src/domain/sessions/session-urls.js';
import { buildTestApp, SESSION } from '../helpers/app.js';
import { componentProblems } from '../helpers/contract.js';
import { rejectionOf } from '../helpers/rejection.js';

// The mock runs no browser. Whatever dials a browser socket — a session's
// cdp_url, or the URLs the official SDK's browser helpers build from its base
// URL — gets one fixed answer naming what to use instead, and the connection closes.

const KEY = 'ak_test_acme';
const REFUSAL = { error: { code: 501, message: BROWSER_SOCKET_REFUSAL.message } };

async function listening(t: Test): Promise<number> {
  const { app } = await buildTestApp(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

/** Sends `head` on a fresh connection and reads until the server closes it; '' if it never does in time. */
function exchange(port: number, head: string): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('utf8'), closedByServer: false });
    }, 5000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('utf8'), closedByServer: true });
    });
    socket.on('error', reject);
  });
}

const handshake = (target: string, upgrade = 'websocket') =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: ${upgrade}\r\n` +
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';

function parse(text: string) {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { statusLine, headers, body };
}

t.test('a WebSocket handshake on any path answers 501 in the error envelope, then the connection closes', async (t) => {
  const port = await listening(t);
  const targets = [
    `/cdp/sessions/${SESSION}`,
    '/cdp/sessions/no-such-session',
    `/?apiKey=${KEY}&sessionId=${SESSION}`,
    `/ws?sessionId=${SESSION}`,
    `/v1/sessions/${SESSION}/downloads?page=1`,
    '/_mock/health',
  ];
  for (const target of targets) {
    const { text, closedByServer } = await exchange(port, handshake(target));
    const { statusLine, headers, body } = parse(text);
    t.equal(statusLine, 'HTTP/1.1 501 Not Implemented', `${target}: 501`);
    t.equal(headers.connection, 'close', `${target}: says it closes`);
    t.ok(closedByServer, `${target}: the server closes the connection`);
    t.match(headers['content-type'], /^application\/json/, `${target}: JSON`);
    const parsed = JSON.parse(body) as unknown;
    t.same(parsed, REFUSAL, `${target}: the one fixed message`);
    t.same(componentProblems('ErrorResponse', parsed), [], `${target}: the contract's error envelope`);
  }
});

t.test('the Upgrade header is matched as a token list, in any case', async (t) => {
  const port = await listening(t);
  const { text } = await exchange(port, handshake(`/cdp/sessions/${SESSION}`, 'h2c, WebSocket'));
  t.equal(parse(text).statusLine, 'HTTP/1.1 501 Not Implemented');
});

t.test('an ordinary request that offers Upgrade: h2c is answered as usual, not refused', async (t) => {
  // Java's HttpClient and curl --http2 offer h2c on plain http://; the server may ignore the offer.
  const port = await listening(t);
  const head =
    'GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings, close\r\n' +
    'Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n';
  const { statusLine, body } = parse((await exchange(port, head)).text);
  t.equal(statusLine, 'HTTP/1.1 200 OK');
  t.match(JSON.parse(body), { status: 'ok' });
});

t.test('a plain GET on a cdp_url answers the same refusal; other methods answer 405', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({ url: `/cdp/sessions/${SESSION}` });
  t.equal(res.statusCode, 501);
  t.same(res.json(), REFUSAL);
  t.same(componentProblems('ErrorResponse', res.json()), []);
  const post = await app.inject({ method: 'POST', url: `/cdp/sessions/${SESSION}` });
  t.equal(post.statusCode, 405);
  t.match(post.headers.allow, /GET/);
});

t.test('cdp_url points back at the mock with the ws scheme, its path prefix kept and the id encoded', async (t) => {
  t.equal(cdpUrl('http://127.0.0.1:4010', 'sess-1'), 'ws://127.0.0.1:4010/cdp/sessions/sess-1');
  t.equal(cdpUrl('https://mock.example/base', 'a b/c'), 'wss://mock.example/base/cdp/sessions/a%20b%2Fc');
});

t.test("Playwright's connectOverCDP on a cdp_url fails with the mock's message", async (t) => {
  const port = await listening(t);
  const error = (await rejectionOf(t, chromium.connectOverCDP(cdpUrl(`http://127.0.0.1:${port}`, SESSION)))) as Error;
  t.match(error.message, /501 Not Implemented/);
  t.match(error.message, BROWSER_SOCKET_REFUSAL.message);
});

t.test("the SDK's browser helpers fail with the mock's message, on both URLs they dial", async (t) => {
  const port = await listening(t);
  const baseURL = `http://127.0.0.1:${port}`;
  const client = new Anchorbrowser({ apiKey: KEY, baseURL, maxRetries: 0 });
  const viaSdk = (await rejectionOf(t, client.browser.connect(SESSION))) as Error;
  t.match(viaSdk.message, BROWSER_SOCKET_REFUSAL.message, 'client.browser.connect');
  for (const url of [getCdpUrl(baseURL, SESSION, KEY), getAgentWsUrl(baseURL, SESSION)]) {
    const error = (await rejectionOf(t, chromium.connectOverCDP(url))) as Error;
    t.match(error.message, BROWSER_SOCKET_REFUSAL.message, url);
  }
});
