import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MockContext } from '../../../domain/mock-context.js';
import {
  AddedDownloadError,
  addDownloads,
  UnknownSessionError,
  type NewDownload,
} from '../../../domain/sessions/added-downloads.js';
import { formatPath } from '../../../fixture-loader/fixture-problems.js';
import { AddDownloadsBody, AddedDownload } from '../../../schemas/admin-schemas.js';
import { DownloadItemComplete, ErrorResponseSchema } from '../../../schemas/api-schemas.js';
import { MAX_DOWNLOAD_BYTES } from '../../../schemas/fixture-schema.js';
import { quoted, sendError } from '../../errors.js';
import { toDownloadItem } from '../../operations/download-list.js';
import { readMultipart } from '../../operations/multipart-body.js';
import { errors, tags } from './route-schema.js';

const AddedDownloads = z
  .object({ data: z.object({ count: z.int(), items: z.array(DownloadItemComplete) }) })
  .meta({ id: 'AddedDownloads' });

// Multipart fields arrive as text; these are numbers in the JSON form.
const NUMERIC_FIELDS = new Set(['size', 'duration', 'after_ms']);

/** Refused input, naming the field in the body (`body.size`, `body[1].origin_url`). */
class BadBody extends Error {}
const bodyPath = (field: string) => `body${field === '' || field.startsWith('[') ? '' : '.'}${field}`;

function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new BadBody(`Invalid ${quoted(bodyPath(formatPath(issue.path)))}: ${quoted(issue.message)}.`);
}

/** A multipart body: one file part (the bytes) and the download's fields as text parts. */
async function multipartDownload(request: FastifyRequest): Promise<NewDownload> {
  const read = await readMultipart(request.headers['content-type'] ?? '', request.body as Buffer);
  if (typeof read === 'string') throw new BadBody(read);
  if (read.files.length === 0) throw new BadBody('Invalid body: a multipart body needs a file part with the bytes.');
  if (read.files.length > 1) throw new BadBody('Invalid body: a multipart body takes one file part.');
  const file = read.files[0]!;
  if (file.bytes.length > MAX_DOWNLOAD_BYTES)
    throw new BadBody(`Invalid body: the file is over ${MAX_DOWNLOAD_BYTES} bytes.`);
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(read.fields)) {
    fields[name] = NUMERIC_FIELDS.has(name) && /^\d+$/.test(value) ? Number(value) : value;
  }
  if (fields.original_file_name === undefined && file.fileName) fields.original_file_name = file.fileName;
  return { download: parsed(AddedDownload, fields), bytes: file.bytes };
}

/** POST /sessions/:session_id/downloads: downloads added to a session while it runs. */
export async function downloadRoutes(app: FastifyInstance, mock: MockContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/sessions/:session_id/downloads',
    {
      config: { bodyTypes: ['application/json', 'multipart/form-data'] },
      // The handler validates the body, so that a refusal names the field in it.
      validatorCompiler: () => (data) => ({ value: data }),
      schema: {
        tags,
        summary: 'Add downloads to a session',
        description:
          'JSON: one download or a list, with the fields of a fixture download (content as {text} or ' +
          '{base64}) and an optional after_ms: it is listed once the mock clock passes now + after_ms. ' +
          'Or multipart/form-data: one file part with the bytes, and the same fields as text parts ' +
          '(original_file_name defaults to the file name). All or nothing.',
        operationId: 'mockAddDownloads',
        params: z.object({ session_id: z.string() }),
        body: AddDownloadsBody,
        response: { 201: AddedDownloads, ...errors, 404: ErrorResponseSchema, 409: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const sessionId = request.params.session_id;
      let items: NewDownload[];
      const list = Array.isArray(request.body);
      try {
        if (Buffer.isBuffer(request.body)) items = [await multipartDownload(request)];
        else if (list)
          items = parsed(z.array(AddedDownload).min(1).max(1000), request.body).map((download) => ({ download }));
        else items = [{ download: parsed(AddedDownload, request.body) }];
      } catch (err) {
        if (err instanceof BadBody) return sendError(reply, 400, err.message);
        throw err;
      }
      try {
        const rows = addDownloads(mock, sessionId, items, mock.clock.now(), { list });
        const added = rows.map((row) => toDownloadItem(row, mock.publicUrl));
        return reply.code(201).send({ data: { count: added.length, items: added } });
      } catch (err) {
        if (err instanceof UnknownSessionError) {
          return sendError(reply, 404, `No session with id "${quoted(sessionId)}".`);
        }
        if (!(err instanceof AddedDownloadError)) throw err;
        const message = `${err.conflict ? 'Conflict at' : 'Invalid'} ${bodyPath(err.field)}: ${quoted(err.message)}.`;
        return sendError(reply, err.conflict ? 409 : 400, message);
      }
    },
  );
}
