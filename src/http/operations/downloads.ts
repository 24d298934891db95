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
import { MESSAGES, sendError } from '../errors.js';
import type { MockContext } from '../../domain/mock-context.js';
import { defineOperation, type Operation, type PipelineNeeds } from '../pipeline/operation.js';
import { sendPrepared } from '../pipeline/prepared-answer.js';
import { sendFile } from '../send-file.js';
import { ownedListAnswer, type DownloadListCache } from './download-list.js';

/** A keyed operation of the contract: key and bucket, steering, journal. */
const keyed: PipelineNeeds = {
  key: true,
  // The contract's error statuses, which `Prefer: code=N` may force (Prism style).
  prefer: [401, 404, 429],
  faults: true,
  latency: true,
  journal: true,
};
// Descriptions are the contract's, as are the messages.
const keyedErrors = {
  401: ErrorResponseSchema.describe(MESSAGES[401]),
  404: ErrorResponseSchema.describe(MESSAGES[404]),
  429: ErrorResponseSchema.describe(MESSAGES[429]),
};

/** The download, if its session exists and belongs to the key's account; never another account's. */
function ownedDownload(
  mock: MockContext,
  key: ApiKeyRow | undefined,
  sessionId: string,
  downloadId: string,
): DownloadWithContent | undefined {
  const found = mock.downloads.get(downloadId);
  const owned = found && key && found.accountId === key.account_id && found.row.session_id === sessionId;
  return owned ? found.row : undefined;
}

/** `lists` holds the serialized bodies, shared with the fast path. */
function listSessionDownloads(mock: MockContext, lists: DownloadListCache): Operation {
  return defineOperation({
    method: 'GET',
    path: '/v1/sessions/:session_id/downloads',
    contract: {
      tags: ['Browser Sessions'],
      summary: 'List Session Downloads',
      description:
        'Retrieves metadata of files downloaded during a browser session. ' +
        'Requires a valid API key for authentication.',
      operationId: 'listSessionDownloads',
    },
    schemas: {
      params: SessionIdParams,
      response: {
        200: DownloadListResponseSchema.describe('A list of download metadata associated with the browser session.'),
        ...keyedErrors,
      },
    },
    needs: keyed,
    handler: (request, reply) => {
      // Pre-serialized bytes (see DownloadListCache): sent as they are, no serializer, no encoding.
      const { apiKey, params } = request;
      sendPrepared(reply, ownedListAnswer(lists, mock.publicUrl, apiKey, params.session_id, mock));
    },
  });
}

function fetchSessionDownload(mock: MockContext): Operation {
  return defineOperation({
    method: 'GET',
    path: '/v1/sessions/:session_id/downloads/:download_id/fetch',
    contract: {
      tags: ['Browser Sessions'],
      summary: 'Fetch Session Download',
      description:
        'Answers a pre-signed URL from which the downloaded file can be fetched without an API key until it expires.',
      operationId: 'fetchSessionDownload',
    },
    schemas: { params: DownloadParams, response: { 200: FetchDownloadResponseSchema, ...keyedErrors } },
    needs: keyed,
    handler: async (request, reply) => {
      const { session_id, download_id } = request.params;
      if (!ownedDownload(mock, request.apiKey, session_id, download_id)) return sendError(reply, 404, MESSAGES[404]);
      // Rounded up, so the URL lives at least the whole TTL.
      const expires = Math.ceil(mock.clock.now() / 1000) + mock.signedUrlTtlSeconds;
      const signature = signDownload(mock.signingSecret, download_id, expires);
      const url =
        `${mock.publicUrl}/signed-downloads/${encodeURIComponent(download_id)}` +
        `?expires=${expires}&signature=${signature}`;
      const message = `Signed URL valid for ${mock.signedUrlTtlSeconds} seconds.`;
      return { data: { status: 'success', SignedUrl: url, message } };
    },
  });
}

function downloadFile(mock: MockContext): Operation {
  return defineOperation({
    method: 'GET',
    path: '/sessions/:session_id/downloads/:download_id/fetch',
    contract: {
      tags: ['Files'],
      summary: 'Download a file (file_link)',
      description:
        "The file behind a DownloadItem's file_link. Same key, ownership and rate limit as the list. " +
        'Supports HEAD, ETag/If-None-Match and a single Range.',
      operationId: 'downloadFile',
    },
    schemas: { params: DownloadParams },
    needs: keyed,
    handler: async (request, reply) => {
      const { session_id, download_id } = request.params;
      const row = ownedDownload(mock, request.apiKey, session_id, download_id);
      if (!row) return sendError(reply, 404, MESSAGES[404]);
      return sendFile(request, reply, row);
    },
  });
}

function downloadSignedFile(mock: MockContext): Operation {
  return defineOperation({
    method: 'GET',
    path: '/signed-downloads/:download_id',
    contract: {
      tags: ['Files'],
      summary: 'Download a file through a signed URL',
      description:
        'The SignedUrl of Fetch Session Download: no key and no rate limit; 403 when expired or tampered with.',
      operationId: 'downloadSignedFile',
    },
    schemas: { params: SignedDownloadParams, querystring: SignedDownloadQuery },
    // The URL is the credential: no key, no bucket, no Prefer.
    needs: { key: false, prefer: null, faults: true, latency: true, journal: true },
    handler: async (request, reply) => {
      const { download_id } = request.params;
      const { expires, signature } = request.query;
      const check = checkSignature(mock.signingSecret, download_id, expires, signature, mock.clock.now());
      if (check === 'invalid') return sendError(reply, 403, 'The signature of this URL is not valid.');
      if (check === 'expired') return sendError(reply, 403, 'This signed URL has expired; fetch a new one.');
      const row = mock.downloads.get(download_id)?.row;
      if (!row) return sendError(reply, 404, 'The download could not be found.');
      return sendFile(request, reply, row);
    },
  });
}

/** The download operations, over the mock's state and the serialized lists the fast path shares. */
export function downloadOperations(mock: MockContext, lists: DownloadListCache): Operation[] {
  return [listSessionDownloads(mock, lists), fetchSessionDownload(mock), downloadFile(mock), downloadSignedFile(mock)];
}
