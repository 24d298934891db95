import contentDisposition from 'content-disposition';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fresh from 'fresh';
import parseRange from 'range-parser';
import { boundedMemo } from '../domain/bounded-memo.js';
import { generateContent } from '../domain/generated-content.js';
import type { DownloadWithContent } from '../store/store.js';
import { sendError } from './errors.js';

/**
 * The name as plain ASCII: accents dropped, any other character `_`. The
 * package's own fallback keeps Latin-1 letters, which go out as raw bytes no
 * client reads as UTF-8 (curl -OJ, which ignores filename*, saves them as is).
 */
function asciiFileName(fileName: string): string {
  return fileName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/gu, '_');
}

/** The attachment header for a file name, built once per name (it is a pure function of it). */
const attachment = boundedMemo((fileName) => contentDisposition(fileName, { fallback: asciiFileName(fileName) }));

/**
 * Answers a download's bytes with the headers a browser or HTTP client
 * expects: type, length, attachment name (RFC 6266: an ASCII filename, and
 * filename* for any other name), a strong ETag (304 on If-None-Match), and a
 * single byte range (206/416). Header grammar is left to the jshttp packages.
 */
export function sendFile(request: FastifyRequest, reply: FastifyReply, row: DownloadWithContent): FastifyReply {
  reply.headers({
    'content-type': row.content_type,
    'content-disposition': attachment(row.suggested_file_name),
    etag: row.etag,
    'accept-ranges': 'bytes',
    'cache-control': 'private, no-cache',
  });

  // Only the validators, not the request's Cache-Control: fresh() calls anything with no-cache stale, as RFC 2616
  // had it, but RFC 9110 evaluates preconditions whatever the cache directives, and fetch() adds no-cache to every
  // request with If-None-Match.
  const { 'if-none-match': ifNoneMatch, 'if-modified-since': ifModifiedSince } = request.headers;
  if (fresh({ 'if-none-match': ifNoneMatch, 'if-modified-since': ifModifiedSince }, { etag: row.etag })) {
    return reply.code(304).send();
  }

  const bytes = () => row.content ?? generateContent(row.id, row.size);
  const rangeHeader = request.headers.range;
  // If-Range with another validator asks for the whole, current file.
  const ifRange = request.headers['if-range'];
  // Only byte ranges are understood; a Range in another unit is ignored (RFC 9110 §14.2).
  if (rangeHeader && /^\s*bytes=/i.test(rangeHeader) && (!ifRange || ifRange === row.etag)) {
    const ranges = parseRange(row.size, rangeHeader);
    if (ranges === -1) {
      reply.header('content-range', `bytes */${row.size}`);
      return sendError(reply, 416, `Range not satisfiable: the file is ${row.size} bytes.`);
    }
    // -2 (malformed) and several ranges at once: answer the whole file.
    if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) {
      const { start, end } = ranges[0]!;
      reply.code(206).header('content-range', `bytes ${start}-${end}/${row.size}`);
      return reply.send(bytes().subarray(start, end + 1));
    }
  }
  return reply.code(200).send(bytes());
}
