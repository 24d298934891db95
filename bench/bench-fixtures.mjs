// @ts-check
// Fixture documents the benchmark loads into the mock: the world the load
// cases read, and the large document the seeding case writes. Ids, names and
// dates are derived from counters, so every run serves the same bytes.
import { createHash } from 'node:crypto';

export const BENCH_KEY = 'ak_bench_key';
export const WRONG_KEY = 'ak_bench_wrong_key';

/** A UUID-shaped id derived from `seed` (real ids are UUIDs; their length shapes the bodies). */
function uuidFrom(/** @type {string} */ seed) {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Number.parseInt(h[16] ?? '0', 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const SESSION_5 = uuidFrom('session s5');
export const SESSION_1000 = uuidFrom('session s1000');
export const SESSION_FILE = uuidFrom('session file100k');
export const UNKNOWN_SESSION = uuidFrom('session that was never created');
export const FILE_100K = { id: uuidFrom('download file100k'), size: 100 * 1024 };

/** [stem, extension, the page it came from] */
const KINDS = /** @type {const} */ ([
  ['invoice', 'pdf', 'https://billing.example.com/invoices/'],
  ['sales-report', 'xlsx', 'https://reports.example.com/quarterly/'],
  ['customers-export', 'csv', 'https://crm.example.com/exports/'],
  ['dashboard', 'png', 'https://app.example.com/dashboard/'],
  ['statements', 'zip', 'https://bank.example.com/documents/'],
]);

/**
 * The i-th download of a session, given by `size` only (generated content).
 * @param {string} sessionId
 * @param {number} i
 */
function download(sessionId, i) {
  const [stem, ext, origin] = KINDS[i % KINDS.length] ?? KINDS[0];
  const name = `${stem}-2025-${String(i + 1).padStart(5, '0')}.${ext}`;
  return {
    id: uuidFrom(`${sessionId} download ${i}`),
    original_download_url: `${origin}download?file=${name}`,
    origin_url: origin,
    original_file_name: name,
    duration: 150 + ((i * 37) % 2000),
    created_at: new Date(Date.UTC(2025, 0, 18, 3, 30) + i * 1000).toISOString(),
    size: 1024 + ((i * 7919) % 500_000),
  };
}

/** One account, key BENCH_KEY: a session of 5 downloads, one of 1,000, one with a 100 KB file. */
export function loadCaseFixture() {
  const session = (/** @type {string} */ id, /** @type {number} */ n) => ({
    id,
    created_at: '2025-01-18T03:00:00.000Z',
    downloads: Array.from({ length: n }, (_, i) => download(id, i)),
  });
  return {
    accounts: [
      {
        id: 'bench',
        api_keys: [BENCH_KEY],
        sessions: [
          session(SESSION_5, 5),
          session(SESSION_1000, 1000),
          {
            id: SESSION_FILE,
            created_at: '2025-01-18T03:00:00.000Z',
            downloads: [
              {
                id: FILE_100K.id,
                original_download_url: 'https://data.example.com/exports/download?file=sample-100k.bin',
                origin_url: 'https://data.example.com/exports/',
                original_file_name: 'sample-100k.bin',
                size: FILE_100K.size,
              },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * `rows` downloads given by size only, spread over `sessions` sessions, the
 * way a user seeds a large store (ids left to the loader).
 * @param {number} rows
 * @param {number} sessions
 */
export function seedingFixture(rows, sessions) {
  const perSession = Math.ceil(rows / sessions);
  return {
    accounts: [
      {
        id: 'seed-bench',
        api_keys: [BENCH_KEY],
        sessions: Array.from({ length: Math.ceil(rows / perSession) }, (_, s) => ({
          id: uuidFrom(`seed session ${s}`),
          downloads: Array.from({ length: Math.min(perSession, rows - s * perSession) }, (_, i) => {
            const name = `file-${s}-${i}.bin`;
            return {
              original_download_url: `https://files.example.com/${name}`,
              origin_url: 'https://files.example.com/',
              original_file_name: name,
              size: 1000,
            };
          }),
        })),
      },
    ],
  };
}
