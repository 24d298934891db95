import { z } from 'zod';

// Wire shapes of the emulated API. Field names, types, formats and
// descriptions follow the reference contract (list-session-downloads.openapi.yaml),
// which marks no field as required; the mock still always sends every field.

export const downloadItemFields = {
  id: z.string().describe('The unique ID of the download record.'),
  file_link: z
    .url()
    .describe('The URL to download the file from anchorbrowser servers. Requires api key authentication.'),
  original_download_url: z.url().describe('The URL used to download the file.'),
  origin_url: z.url().describe('The original URL where the file was found.'),
  suggested_file_name: z.string().describe('The suggested file name for saving the file.'),
  original_file_name: z.string().describe('The original file name before any modification.'),
  duration: z.int().describe('The time it took to process or download the file, in milliseconds.'),
  size: z.int().describe('The size of the file in bytes.'),
  created_at: z.iso.datetime().describe('The timestamp when the file record was created.'),
};

/** What the mock always sends: all nine fields. */
export const DownloadItemComplete = z.object(downloadItemFields).strict();
export type DownloadItem = z.infer<typeof DownloadItemComplete>;

/** What the contract documents: the same fields, none required. */
export const DownloadItemSchema = DownloadItemComplete.partial().meta({ id: 'DownloadItem' });

export const DownloadListResponseSchema = z
  .object({
    data: z
      .object({
        count: z.int().describe('Total number of downloads'),
        items: z.array(DownloadItemSchema),
      })
      .partial(),
  })
  .partial()
  .meta({ id: 'DownloadListResponse' });

/** What the mock always sends: both fields. */
const ErrorBodyComplete = z.object({ error: z.object({ code: z.int(), message: z.string() }) });
export type ErrorBody = z.infer<typeof ErrorBodyComplete>;

/** What the contract documents: the same fields, none required. */
export const ErrorResponseSchema = z
  .object({ error: ErrorBodyComplete.shape.error.partial() })
  .partial()
  .meta({ id: 'ErrorResponse' });

// Companion endpoint "Fetch Session Download" (same reference): a pre-signed URL.
export const FetchDownloadResponseSchema = z
  .object({
    data: z.object({
      status: z.string().describe('Outcome of the request, "success" when the URL was issued.'),
      SignedUrl: z.url().describe('Pre-signed URL that serves the file without an API key until it expires.'),
      message: z.string().describe('Human-readable note about the URL.'),
    }),
  })
  .meta({ id: 'FetchDownloadResponse' });

export const HealthResponseSchema = z
  .object({
    status: z.literal('ok'),
    service: z.literal('anchorbrowser-mock').describe('Tells this server from anything else that may hold the port.'),
    version: z.string().describe('Version of anchorbrowser-mock.'),
    pid: z.int().describe('Id of the process serving the mock, e.g. for `kill`.'),
    started_at: z.iso.datetime().describe('When this server started, in real time whatever the mock clock says.'),
  })
  .meta({ id: 'HealthResponse' });

export const SessionIdParams = z.object({
  session_id: z.string().describe('The unique identifier of the browser session to retrieve downloads for.'),
});

export const DownloadParams = z.object({
  session_id: z.string().describe('The unique identifier of the browser session.'),
  download_id: z.string().describe('The unique identifier of the download record.'),
});

export const SignedDownloadParams = z.object({
  download_id: z.string().describe('The unique identifier of the download record.'),
});

export const SignedDownloadQuery = z.object({
  expires: z.string().optional().describe('Expiry of the URL, in Unix seconds.'),
  signature: z.string().optional().describe('Hex HMAC-SHA256 of "<download_id>.<expires>".'),
});
