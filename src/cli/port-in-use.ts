import { get } from 'node:http';
import type { z } from 'zod';
import { HealthResponseSchema } from '../schemas/api-schemas.js';

/** How long the holder of the port gets to answer its /_mock/health before it is taken for another program. */
const PROBE_TIMEOUT_MS = 1500;
const MAX_HEALTH_BYTES = 64 * 1024;

/**
 * The message for a listen that failed with EADDRINUSE. If the holder is an
 * anchorbrowser-mock (its /_mock/health says so), it names that mock and how
 * to stop it; otherwise it names the port and the flag that picks another.
 */
export async function portInUseMessage(host: string, port: number): Promise<string> {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const plain =
    `cannot listen on ${where}: address already in use (EADDRINUSE); ` +
    `stop what holds port ${port}, or choose another port with --port (0 picks a free one)`;
  // No one connects to a wildcard address; loopback reaches whatever holds the port there.
  const holder = await probeHealth(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port);
  if (!holder) return plain;
  const { pid, version, started_at: startedAt } = holder;
  const stopCommand = process.platform === 'win32' ? `taskkill /PID ${pid}` : `kill ${pid}`;
  const how = isLocalProcess(pid)
    ? `stop it with \`${stopCommand}\``
    : `pid ${pid} is not a process on this machine (a container?): stop it where it runs`;
  return (
    `port ${port} is already held by another anchorbrowser-mock: ` +
    `pid ${pid}, version ${version}, started at ${startedAt}; ` +
    `${how}, or choose another port with --port (0 picks a free one)`
  );
}

/**
 * GET /_mock/health on the holder; undefined unless it answers as a mock does.
 * node:http rather than fetch: a holder that drops the connection at once is
 * an error here at once, and the pending request keeps the process alive.
 */
function probeHealth(host: string, port: number): Promise<z.infer<typeof HealthResponseSchema> | undefined> {
  return new Promise((resolve) => {
    const req = get({ host, port, path: '/_mock/health', agent: false, timeout: PROBE_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_HEALTH_BYTES) req.destroy();
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve(undefined);
        try {
          const parsed = HealthResponseSchema.safeParse(JSON.parse(body));
          resolve(parsed.success ? parsed.data : undefined);
        } catch {
          resolve(undefined);
        }
      });
      res.on('error', () => resolve(undefined));
      res.on('close', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

function isLocalProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
