import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import type Anchorbrowser from 'anchorbrowser';

export interface WrittenFile {
  /** The download's id in the session. */
  id: string;
  /** The name on disk: the download's suggested_file_name, made safe. */
  fileName: string;
  /** Absolute path of the file written. */
  path: string;
  /** Bytes written. */
  bytes: number;
}

export interface DownloadOptions {
  /**
   * Retries per request, with the SDK's own back-off, on 408/409/429/5xx and
   * connection errors. The SDK's resource methods retry only when asked. Default 2.
   */
  maxRetries?: number;
}

/**
 * Saves every file downloaded during a browser session into `destDir`, each
 * under its suggested_file_name, and returns what it wrote, in the order the
 * API lists the downloads.
 *
 * Files are fetched one after another through each item's file_link, with the
 * client's API key. A file that already exists in `destDir` is replaced. If a
 * request fails after its retries, the error is the SDK's (NotFoundError,
 * APIConnectionError, …); files saved before it stay, and no half-written
 * file is left under a final name.
 */
export async function downloadSessionFiles(
  client: Anchorbrowser,
  sessionId: string,
  destDir: string,
  { maxRetries = 2 }: DownloadOptions = {},
): Promise<WrittenFile[]> {
  const list = await client.sessions.retrieveDownloads(sessionId, { maxRetries });
  const dir = resolve(destDir);
  await mkdir(dir, { recursive: true });

  // client.get sends the API key to whatever host a URL names: only ever to the API's own.
  const apiOrigin = new URL(client.baseURL).origin;
  const taken = new Set<string>();
  const written: WrittenFile[] = [];

  for (const item of list.data?.items ?? []) {
    const id = item.id ?? '';
    if (!item.file_link) throw new Error(`download "${id}" has no file_link`);
    const origin = new URL(item.file_link).origin;
    if (origin !== apiOrigin)
      throw new Error(`download "${id}": file_link is on ${origin}, not ${apiOrigin}; not sending the API key there`);

    const fileName = claim(
      safeFileName(item.suggested_file_name ?? item.original_file_name ?? '', safeFileName(id)),
      taken,
    );
    const path = join(dir, fileName);
    if (dirname(path) !== dir) throw new Error(`unsafe file name ${JSON.stringify(fileName)}`); // cannot happen after safeFileName

    const response = await client.get(item.file_link, { maxRetries }).asResponse();
    written.push({ id, fileName, path, bytes: await save(response, path) });
  }
  return written;
}

// Path separators, control characters, and what Windows refuses in names.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[/\\\u0000-\u001f\u007f<>:"|?*]/g;
// Most file systems allow 255 bytes per name; leave room for " (2)".
const MAX_NAME_BYTES = 200;

/**
 * A file name that stays inside the destination folder: no path separators or
 * control characters, not "." or "..", at most MAX_NAME_BYTES bytes of UTF-8
 * (the extension kept). `fallback` when nothing usable is left.
 */
export function safeFileName(name: string, fallback = 'download'): string {
  const cleaned = name.replace(UNSAFE_CHARACTERS, '_').trim();
  if (cleaned === '' || /^\.+$/.test(cleaned)) return fallback;
  if (Buffer.byteLength(cleaned) <= MAX_NAME_BYTES) return cleaned;
  const ext = extname(cleaned).length <= 16 ? extname(cleaned) : '';
  const stem = [...cleaned.slice(0, cleaned.length - ext.length)]; // code points, so no character is cut in half
  while (Buffer.byteLength(stem.join('') + ext) > MAX_NAME_BYTES) stem.pop();
  return stem.join('') + ext;
}

/**
 * `name`, or "name (2).ext", "name (3).ext"… if an earlier file took it (compared case-insensitively, as
 * macOS and Windows do).
 */
function claim(name: string, taken: Set<string>): string {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Streams the body to a temporary file beside `path`, then renames it into place; answers the size written. */
async function save(response: Response, path: string): Promise<number> {
  // A random name, so it can never be another download's final name.
  const partial = join(dirname(path), `.${randomUUID()}.part`);
  try {
    const body = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
    await pipeline(body, createWriteStream(partial));
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return (await stat(path)).size;
}
