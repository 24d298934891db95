// @ts-check
// One measured autocannon run (after an unrecorded warm-up), summarized.
// autocannon's own latency histogram has 1 ms resolution, too coarse for a
// p99 ratio at a few ms, so latencies are also collected here per response.
import { createRequire } from 'node:module';
import autocannon from 'autocannon';

const require = createRequire(import.meta.url);
const QUEUE_MODULE = 'autocannon/lib/pipelinedRequestsQueue.js';

/**
 * autocannon keeps every response body as a string (`req.body += chunk` in
 * lib/pipelinedRequestsQueue.js), for its expectBody and idReplacement
 * options, which this benchmark does not use. With 100–500 KB bodies that
 * decoding, not the server, sets the rate (about 300 req/s against a bare
 * node:http server here, against about 2,100 without it), so the body is
 * dropped instead; bytes, statuses and timings are counted elsewhere.
 * Answers false when this autocannon has no such method (nothing changed).
 */
export function dropResponseBodies() {
  try {
    const Queue = /** @type {{ prototype?: { addBody?: unknown } } | undefined} */ (require(QUEUE_MODULE));
    if (!Queue?.prototype || typeof Queue.prototype.addBody !== 'function') return false;
    Queue.prototype.addBody = () => {};
    return true;
  } catch {
    return false;
  }
}

/**
 * @typedef {object} LoadSettings
 * @property {string} url
 * @property {Record<string, string>} headers
 * @property {number} connections
 * @property {number} duration seconds, measured
 * @property {number} warmup seconds, not recorded (0: none)
 * @property {number} expectStatus every answer must have this status
 */

/**
 * @typedef {object} LoadSummary
 * @property {number} reqPerSec autocannon's mean of per-second samples
 * @property {number} requests completed in the measured run
 * @property {number} p50 ms, from every response's own timing
 * @property {number} p99 ms, idem
 * @property {number} errors
 * @property {number} timeouts
 * @property {Record<string, number>} statusCodes
 * @property {number} bytesPerRequest
 * @property {string[]} problems what makes the run invalid (errors, unexpected statuses)
 * @property {object} autocannon the raw autocannon result
 */

/**
 * @param {number[]} sorted
 * @param {number} q in 0..1
 */
export function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

/**
 * @param {LoadSettings} settings
 * @param {number} duration
 * @param {number[] | undefined} latencies collects response times (ms) when given
 */
async function autocannonRun({ url, headers, connections }, duration, latencies) {
  // Without a callback autocannon answers a promise that is also its event emitter.
  const instance = /** @type {Promise<autocannon.Result> & import('node:events').EventEmitter} */ (
    /** @type {unknown} */ (autocannon({ url, headers, connections, duration }))
  );
  if (latencies) {
    instance.on(
      'response',
      (
        /** @type {unknown} */ _client,
        /** @type {number} */ _status,
        /** @type {number} */ _bytes,
        /** @type {number} */ ms,
      ) => {
        latencies.push(ms);
      },
    );
  }
  return instance;
}

/**
 * @param {LoadSettings} settings
 * @returns {Promise<LoadSummary>}
 */
export async function measureLoad(settings) {
  if (settings.warmup > 0) await autocannonRun(settings, settings.warmup, undefined);
  /** @type {number[]} */
  const latencies = [];
  const result = await autocannonRun(settings, settings.duration, latencies);
  const sorted = Array.from(Float64Array.from(latencies).sort());

  /** @type {Record<string, number>} */
  const statusCodes = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count ?? 0;
  const problems = [];
  if (result.errors > 0) problems.push(`${result.errors} errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  const unexpected = Object.entries(statusCodes).filter(([code]) => Number(code) !== settings.expectStatus);
  for (const [code, count] of unexpected) problems.push(`${count}× status ${code} (expected ${settings.expectStatus})`);
  if (result.requests.total === 0) problems.push('no responses');

  return {
    reqPerSec: result.requests.average,
    requests: result.requests.total,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    bytesPerRequest: result.requests.total > 0 ? result.throughput.total / result.requests.total : 0,
    problems,
    autocannon: result,
  };
}
