import { randomBytes } from 'node:crypto';

/** A file of a multipart document upload: its bytes, or a stream of them (a file too large to hold). */
export interface MultipartFile {
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Uint8Array | AsyncIterable<Uint8Array>;
}

/** Quotes a form-data name or filename as the WHATWG encoder does: `"`, CR and LF percent-encoded. */
const quoted = (value: string) => `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;

/**
 * The multipart/form-data body a gateway's `POST /v1/documents` takes: a `metadata` part (the JSON
 * fields), then each file as it is, with its name and content type. Files travel as bytes, not as
 * base64 inside JSON; a file given as a stream is read as the body is sent, so a 2 GiB file is never
 * whole in memory (send `body` with tlsFetch's `bodyStream`).
 */
export function multipartDocumentStream(metadata: Record<string, unknown> | string, files: readonly MultipartFile[]): { contentType: string; body: AsyncIterable<Uint8Array> } {
  const boundary = `----edx${randomBytes(12).toString('hex')}`;
  async function* body(): AsyncGenerator<Uint8Array> {
    const json = typeof metadata === 'string' ? metadata : JSON.stringify(metadata);
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${json}\r\n`);
    for (const f of files) {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=${quoted(f.name)}\r\nContent-Type: ${f.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`);
      if (f.bytes instanceof Uint8Array) yield f.bytes;
      else yield* f.bytes;
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${boundary}--\r\n`);
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: body() };
}

/** The same body, whole (for files that fit in memory): bytes to send with a length. */
export async function multipartDocumentBody(metadata: Record<string, unknown> | string, files: readonly MultipartFile[]): Promise<{ contentType: string; bytes: Uint8Array<ArrayBuffer> }> {
  const { contentType, body } = multipartDocumentStream(metadata, files);
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return { contentType, bytes: new Uint8Array(Buffer.concat(parts)) };
}
