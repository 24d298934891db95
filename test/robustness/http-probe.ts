import { request, type Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

// Two ways to reach a listening mock on 127.0.0.1, each bounded by a timeout:
// node:http for well-formed requests, and a raw socket for bytes node:http
// refuses to send (bad methods, non-ASCII headers, broken request lines).

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What happened to a request: an answer, or why there was none. */
export type Outcome = ({ kind: 'answer' } & Answer) | { kind: 'error'; error: string };

export interface HttpCall {
  port: number;
  method?: string;
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  timeoutMs?: number;
  /** Default: a fresh connection per call (agent false). */
  agent?: Agent | false;
}

/** Prefix of the outcome when node:http itself refuses to send a request (bad characters): not the server's doing. */
export const CLIENT_REFUSED = 'client refused to send: ';

/** One request through node:http; never rejects (errors and timeouts are outcomes). */
export function httpCall(call: HttpCall): Promise<Outcome> {
  const timeoutMs = call.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    let responded: (() => Outcome) | undefined;
    let req: ReturnType<typeof request>;
    try {
      req = request(
        {
          host: '127.0.0.1',
          port: call.port,
          method: call.method ?? 'GET',
          path: call.path,
          headers: call.headers,
          agent: call.agent ?? false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          const answer = (): Outcome => ({
            kind: 'answer',
            status: res.statusCode ?? 0,
            headers: res.headers as IncomingHttpHeaders,
            body: Buffer.concat(chunks),
          });
          responded = answer;
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(answer()));
          res.on('error', (err) => finish({ kind: 'error', error: `response: ${err.message}` }));
          res.on('aborted', () => finish({ kind: 'error', error: 'response aborted' }));
        },
      );
    } catch (err) {
      resolve({
        kind: 'error',
        error: `${CLIENT_REFUSED}${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      });
      return;
    }
    const timer = setTimeout(() => {
      finish({ kind: 'error', error: `timeout: no complete answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      // Bytes after a complete "connection: close" answer (a body on a HEAD answer): the answer stands.
      if (responded && err.code === 'HPE_CLOSED_CONNECTION' && call.method === 'HEAD') finish(responded());
      else finish({ kind: 'error', error: err.code ?? err.message });
    });
    if (call.body !== undefined) req.end(call.body);
    else req.end();
  });
}

/** Parses one HTTP/1.1 response from `data`; undefined while it is incomplete. */
function parseResponse(data: Buffer, headOnly: boolean, ended: boolean): Answer | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!m) return { status: -1, headers: {}, body: data };
  const headers: Record<string, string | string[] | undefined> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    const prev = headers[name];
    headers[name] = prev === undefined ? value : [prev, value].flat();
  }
  const status = Number(m[1]);
  const rest = data.subarray(end + 4);
  if (headOnly || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0) };
  const length = headers['content-length'];
  if (typeof length === 'string') {
    const n = Number(length);
    return rest.length >= n ? { status, headers, body: rest.subarray(0, n) } : undefined;
  }
  if (/chunked/i.test(String(headers['transfer-encoding'] ?? ''))) {
    const chunks: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', at);
      if (lineEnd === -1) return undefined;
      const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) return { status, headers, body: rest };
      if (size === 0) return rest.length >= lineEnd + 4 ? { status, headers, body: Buffer.concat(chunks) } : undefined;
      if (rest.length < lineEnd + 2 + size + 2) return undefined;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  return ended ? { status, headers, body: rest } : undefined;
}

/**
 * Writes raw bytes to 127.0.0.1:port and reads the first response. A closed
 * connection with no answer is the outcome 'closed without an answer'.
 */
export function rawCall(
  port: number,
  data: string | Buffer,
  options: { timeoutMs?: number; headOnly?: boolean } = {},
): Promise<Outcome> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(
      () => finish({ kind: 'error', error: `timeout: no complete answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(data));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseResponse(received, options.headOnly ?? false, false);
      if (answer) finish({ kind: 'answer', ...answer });
    });
    const onEnd = () => {
      const answer = parseResponse(received, options.headOnly ?? false, true);
      if (answer) finish({ kind: 'answer', ...answer });
      else
        finish({
          kind: 'error',
          error:
            received.length === 0
              ? 'closed without an answer'
              : `incomplete answer: ${received.toString('latin1').slice(0, 200)}`,
        });
    };
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (received.length > 0) onEnd();
      else finish({ kind: 'error', error: err.code ?? err.message });
    });
  });
}

/** 'refused' when a TCP connection to 127.0.0.1:port is refused, 'accepted' when it opens, else the error. */
export function tryConnect(port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code === 'ECONNREFUSED' ? 'refused' : (err.code ?? err.message));
    });
  });
}
