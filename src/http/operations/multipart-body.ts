/** A multipart/form-data body, read: its text fields and its file parts. */
export interface MultipartBody {
  fields: Record<string, string>;
  files: { field: string; fileName: string; contentType: string; bytes: Buffer }[];
}

/**
 * Reads a multipart body with the platform's own parser (the Fetch API's
 * FormData), so no parser is loaded at start. A string is what is wrong with it.
 */
export async function readMultipart(contentType: string, body: Buffer): Promise<MultipartBody | string> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return 'Invalid multipart body: it could not be read as multipart/form-data with the boundary its content-type names.';
  }
  const out: MultipartBody = { fields: {}, files: [] };
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') out.fields[field] = value;
    else {
      const bytes = Buffer.from(await value.arrayBuffer());
      out.files.push({ field, fileName: value.name, contentType: value.type || 'application/octet-stream', bytes });
    }
  }
  return out;
}
