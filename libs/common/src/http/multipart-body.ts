/** A file of a multipart document upload. */
export interface MultipartFile {
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/**
 * The multipart/form-data body a gateway's `POST /v1/documents` takes: a `metadata` part (the JSON
 * fields), then each file as it is, with its name and content type (the WHATWG encoder, as a DMS's
 * HTTP library would make it). Files travel as bytes, not as base64 inside JSON.
 */
export async function multipartDocumentBody(metadata: Record<string, unknown> | string, files: readonly MultipartFile[]): Promise<{ contentType: string; bytes: Uint8Array<ArrayBuffer> }> {
  const form = new FormData();
  form.append('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)], { type: f.contentType }), f.name);
  const encoded = new Response(form);
  return { contentType: encoded.headers.get('content-type')!, bytes: new Uint8Array(await encoded.arrayBuffer()) };
}
