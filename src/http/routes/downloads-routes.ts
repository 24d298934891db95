import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { checkSignature, signDownload } from '../../domain/signed-urls.js';
import {
  DownloadListResponseSchema,
  DownloadParams,
  ErrorResponseSchema,
  FetchDownloadResponseSchema,
  SessionIdParams,
  SignedDownloadParams,
  SignedDownloadQuery,
} from '../../schemas/api-schemas.js';
import type { ApiKeyRow, DownloadWithContent } from '../../store/store.js';
import { JSON_CONTENT_TYPE, MESSAGES, sendError } from '../errors.js';
import type { MockContext } from '../mock-context.js';
import { sendFile } from '../send-file.js';

const security = [{ api_key_header: [] }];
// The contract's error statuses, which `Prefer: code=N` may force (Prism style).
const preferCodes = [401, 404, 429] as const;
// Descriptions are the contract's, as are the messages.
const keyedErrors = {
  401: ErrorResponseSchema.describe(MESSAGES[401]),
  404: ErrorResponseSchema.describe(MESSAGES[404]),
  429: ErrorResponseSchema.describe(MESSAGES[429]),
};

/** The download, if its session exists and belongs to the key's account; never another account's. */
function ownedDownload(mock: MockContext, key: ApiKeyRow | undefined, sessionId: string, downloadId: string): DownloadWithContent | undefined {
  const found = mock.downloads.get(downloadId);
  return found && key && found.accountId === key.account_id && found.row.session_id === sessionId ? found.row : undefined;
}

export default async function downloadsRoutes(app: FastifyInstance, { mock }: { mock: MockContext }) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v1/sessions/:session_id/downloads',
    {
      onRequest: [app.emulation.steer(preferCodes), app.apiKeyGuard],
      onResponse: app.emulation.journal,
      schema: {
        tags: ['Browser Sessions'],
        summary: 'List Session Downloads',
        description: 'Retrieves metadata of files downloaded during a browser session. Requires a valid API key for authentication.',
        operationId: 'listSessionDownloads',
        security,
        params: SessionIdParams,
        response: { 200: DownloadListResponseSchema.describe('A list of download metadata associated with the browser session.'), ...keyedErrors },
      },
    },
    (request, reply) => {
      const listed = mock.downloadLists.get(request.params.session_id, mock.publicUrl);
      if (!listed || listed.accountId !== request.apiKey?.account_id) {
        sendError(reply, 404, MESSAGES[404]);
        return;
      }
      // Pre-serialized bytes (see DownloadListCache): sent as they are, no serializer, no encoding.
      reply.type(JSON_CONTENT_TYPE).send(listed.body as never);
    },
  );

  api.get(
    '/v1/sessions/:session_id/downloads/:download_id/fetch',
    {
      onRequest: [app.emulation.steer(preferCodes), app.apiKeyGuard],
      onResponse: app.emulation.journal,
      schema: {
        tags: ['Browser Sessions'],
        summary: 'Fetch Session Download',
        description: 'Answers a pre-signed URL from which the downloaded file can be fetched without an API key until it expires.',
        operationId: 'fetchSessionDownload',
        security,
        params: DownloadParams,
        response: { 200: FetchDownloadResponseSchema, ...keyedErrors },
      },
    },
    async (request, reply) => {
      const { session_id, download_id } = request.params;
      if (!ownedDownload(mock, request.apiKey, session_id, download_id)) return sendError(reply, 404, MESSAGES[404]);
      // Rounded up, so the URL lives at least the whole TTL.
      const expires = Math.ceil(mock.clock.now() / 1000) + mock.signedUrlTtlSeconds;
      const signature = signDownload(mock.signingSecret, download_id, expires);
      const url = `${mock.publicUrl}/signed-downloads/${encodeURIComponent(download_id)}?expires=${expires}&signature=${signature}`;
      return {
        data: { status: 'success', SignedUrl: url, message: `Signed URL valid for ${mock.signedUrlTtlSeconds} seconds.` },
      };
    },
  );

  api.get(
    '/sessions/:session_id/downloads/:download_id/fetch',
    {
      onRequest: [app.emulation.steer(preferCodes), app.apiKeyGuard],
      onResponse: app.emulation.journal,
      schema: {
        tags: ['Files'],
        summary: 'Download a file (file_link)',
        description:
          "The file behind a DownloadItem's file_link. Same key, ownership and rate limit as the list. Supports HEAD, ETag/If-None-Match and a single Range.",
        operationId: 'downloadFile',
        security,
        params: DownloadParams,
      },
    },
    async (request, reply) => {
      const { session_id, download_id } = request.params;
      const row = ownedDownload(mock, request.apiKey, session_id, download_id);
      if (!row) return sendError(reply, 404, MESSAGES[404]);
      return sendFile(request, reply, row);
    },
  );

  api.get(
    '/signed-downloads/:download_id',
    {
      onRequest: app.emulation.steer(),
      onResponse: app.emulation.journal,
      schema: {
        tags: ['Files'],
        summary: 'Download a file through a signed URL',
        description: 'The SignedUrl of Fetch Session Download: no key and no rate limit; 403 when expired or tampered with.',
        operationId: 'downloadSignedFile',
        params: SignedDownloadParams,
        querystring: SignedDownloadQuery,
      },
    },
    async (request, reply) => {
      const { download_id } = request.params;
      const { expires, signature } = request.query;
      const check = checkSignature(mock.signingSecret, download_id, expires, signature, mock.clock.now());
      if (check === 'invalid') return sendError(reply, 403, 'The signature of this URL is not valid.');
      if (check === 'expired') return sendError(reply, 403, 'This signed URL has expired; fetch a new one.');
      const row = mock.downloads.get(download_id)?.row;
      if (!row) return sendError(reply, 404, 'The download could not be found.');
      return sendFile(request, reply, row);
    },
  );
}
