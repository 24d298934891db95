// @ts-check
// One fresh process of the in-process start-up case: what a test file pays
// that imports the package and starts the mock itself, or, as its baseline,
// imports Fastify and starts a one-route app the same way.
// Usage: node startup-child.mjs <mode> <options-json>
//   mode mock:      import anchorbrowser-mock, startMockServer (bundled fixtures) → first 200 of the list;
//                   then `later` more starts and `resets` reset() calls, each timed
//   mode mock-post: the same start, then POST /v1/sessions → 200, then the list → 200
//   mode fastify:   import fastify, one GET route answering `body` → first 200
// Prints one JSON line: { wallMs, cpuMs, rssBytes, bootMs, laterMs, laterCpuMs, resetsMs, resetsCpuMs, note? }.
// Self-contained (no relative imports): the benchmark copies it into a scratch
// project to measure the installed tarball, where `anchorbrowser-mock` and
// `fastify` resolve from that project's node_modules; inside the repo the
// package name resolves to the repo itself (self-reference through "exports").
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const [mode, optionsJson] = process.argv.slice(2);
/** @type {{ path: string, key: string, body?: string, later?: number, resets?: number }} */
const options = JSON.parse(optionsJson ?? '{}');

/**
 * One request without keep-alive; resolves with the status.
 * @param {string} method
 * @param {string} url
 * @param {string} [body]
 * @returns {Promise<{ status: number, text: string }>}
 */
function send(method, url, body) {
  return new Promise((resolve, reject) => {
    /** @type {Record<string, string>} */
    const headers = { 'anchor-api-key': options.key };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** @param {string} url */
async function expect200(url, method = 'GET', body = undefined) {
  const res = await send(method, url, body);
  if (res.status !== 200) throw new Error(`${method} ${url} answered ${res.status}: ${res.text.slice(0, 200)}`);
}

const cpuMs = (/** @type {NodeJS.CpuUsage} */ u) => (u.user + u.system) / 1000;

async function main() {
  const bootMs = performance.now();
  const cpu0 = process.cpuUsage();
  /** @type {number[]} */
  const laterMs = [];
  /** @type {number[]} */
  const resetsMs = [];
  /** @type {number[]} */
  const laterCpuMs = [];
  /** @type {number[]} */
  const resetsCpuMs = [];
  let note;
  /** @type {() => Promise<unknown>} */
  let close;
  /** @type {{ wallMs: number, cpuMs: number, rssBytes: number }} */
  let after;
  const took = () => ({
    wallMs: performance.now() - bootMs,
    cpuMs: cpuMs(process.cpuUsage(cpu0)),
    rssBytes: process.memoryUsage.rss(),
  });
  if (mode === 'fastify') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    const body = options.body ?? '';
    app.get(options.path, (_request, reply) => {
      reply.type('application/json; charset=utf-8').send(body);
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await expect200(`http://127.0.0.1:${port}${options.path}`);
    after = took();
    close = () => app.close();
  } else if (mode === 'mock' || mode === 'mock-post') {
    const { startMockServer, BUNDLED_FIXTURES } = await import('anchorbrowser-mock');
    const start = async () => startMockServer({ fixtures: [BUNDLED_FIXTURES] });
    const mock = await start();
    if (mode === 'mock-post') {
      const res = await send('POST', `${mock.url}/v1/sessions`, '{}');
      if (res.status !== 200) note = `POST /v1/sessions answered ${res.status}`;
    }
    await expect200(mock.url + options.path);
    after = took();
    close = () => mock.close();
    for (let i = 0; i < (options.later ?? 0); i++) {
      await close();
      const started = performance.now();
      const cpu = process.cpuUsage();
      const next = await start();
      await expect200(next.url + options.path);
      laterMs.push(performance.now() - started);
      laterCpuMs.push(cpuMs(process.cpuUsage(cpu)));
      close = () => next.close();
      if (i === (options.later ?? 0) - 1) {
        for (let r = 0; r < (options.resets ?? 0); r++) {
          const began = performance.now();
          const cpuBefore = process.cpuUsage();
          await next.reset();
          resetsMs.push(performance.now() - began);
          resetsCpuMs.push(cpuMs(process.cpuUsage(cpuBefore)));
        }
      }
    }
  } else {
    throw new Error(`unknown mode "${mode}" (mock, mock-post or fastify)`);
  }
  await close();
  process.stdout.write(`${JSON.stringify({ ...after, bootMs, laterMs, laterCpuMs, resetsMs, resetsCpuMs, note })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
