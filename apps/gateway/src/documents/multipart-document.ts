import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { EdxError, toEdxError } from '@edx/common';
import type { AttachmentClaim } from '@edx/edxml';
import { DocumentFile } from './send-document.command';

/** What a multipart upload carries: the `metadata` part (JSON, the fields of the JSON API without `files`) and the files. */
export interface MultipartDocument {
  readonly metadata: Record<string, unknown>;
  readonly files: DocumentFile[];
}

export interface MultipartLimits {
  /** The files kept here, together (a larger request is refused before it is read). */
  readonly maxBytes: number;
  readonly maxBytesSetting: string;
  readonly maxFiles: number;
}

/** Where a file larger than `aboveBytes` goes as it streams in: the claim-check store. */
export interface MultipartSpill {
  readonly aboveBytes: number;
  upload(source: AsyncIterable<Uint8Array>): Promise<AttachmentClaim>;
}

const METADATA_BYTES = 1024 * 1024;

/** The Nest tokens of the gateway's MultipartLimits and MultipartSpill. */
export const MULTIPART_LIMITS = Symbol('MULTIPART_LIMITS');
export const MULTIPART_SPILL = Symbol('MULTIPART_SPILL');

export const isMultipart = (req: IncomingMessage) => /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');

/**
 * Reads a `multipart/form-data` document as it streams in: a `metadata` part (JSON: to, subject,
 * codeNumber, codeNotation … as the JSON API takes them, and optionally `files: [{ description }]`
 * in the order of the file parts) and one part per file, its name and content type from the part's
 * own headers. The files arrive as their bytes, never as base64 in a JSON string. A file that grows
 * past `spill.aboveBytes` is not kept here: what arrived of it and the rest of it stream on into the
 * claim-check store, and the file becomes its claim. Bounded: files and fields by count, the metadata
 * by size, the files kept here by `maxBytes` together (EDXML_TOO_LARGE, and the upload stops there).
 */
export function readMultipartDocument(req: IncomingMessage, limits: MultipartLimits, spill?: MultipartSpill): Promise<MultipartDocument> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // One past each count, so the handlers below see the part that breaks it and say which rule it breaks.
      parser = busboy({ headers: req.headers, limits: { files: limits.maxFiles + 1, fields: 2, fieldSize: METADATA_BYTES, parts: limits.maxFiles + 3 } });
    } catch (error) {
      return reject(new EdxError('REQUEST_INVALID', `The multipart upload cannot be read: ${(error as Error).message}.`));
    }
    let metadata: Record<string, unknown> | undefined;
    const files: Array<Promise<Omit<DocumentFile, 'description'>>> = [];
    const kept = { bytes: 0 };
    let failed: EdxError | undefined;
    const fail = (error: EdxError) => {
      if (failed) return;
      failed = error;
      req.unpipe(parser);
      req.resume();
      reject(error);
    };
    parser.on('field', (name, value, info) => {
      if (metadata !== undefined && name === 'metadata') return fail(new EdxError('REQUEST_INVALID', 'The multipart upload has two "metadata" parts.'));
      if (name !== 'metadata') return fail(new EdxError('REQUEST_INVALID', `The multipart upload has a field "${name.slice(0, 40)}": its only field is "metadata" (JSON), beside the file parts.`));
      if (info.valueTruncated) return fail(new EdxError('REQUEST_INVALID', `The metadata part is larger than ${METADATA_BYTES} bytes.`));
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch (error) {
        return fail(new EdxError('REQUEST_INVALID', `The metadata part is not a JSON object: ${(error as Error).message}.`));
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail(new EdxError('REQUEST_INVALID', 'The metadata part is not a JSON object.'));
      metadata = parsed as Record<string, unknown>;
    });
    parser.on('file', (_field, stream, info) => {
      if (files.length === limits.maxFiles) {
        stream.resume();
        return fail(new EdxError('REQUEST_INVALID', `A document has at most ${limits.maxFiles} files.`));
      }
      stream.on('error', (error: Error) => fail(new EdxError('REQUEST_INVALID', `The multipart upload cannot be read: ${error.message}.`)));
      const name = info.filename ?? '';
      const contentType = info.mimeType || 'application/octet-stream';
      const file = readFile(stream, limits, kept, spill).then((read) => ({ name, contentType, ...read }));
      // A file that cannot be read fails the upload now; the others are awaited at the end.
      file.catch((error: unknown) => {
        stream.resume();
        fail(toEdxError(error));
      });
      files.push(file);
    });
    parser.on('partsLimit', () => fail(new EdxError('REQUEST_INVALID', `The multipart upload has more than ${limits.maxFiles + 1} parts: the metadata and at most ${limits.maxFiles} files.`)));
    parser.on('error', (error: Error) => fail(new EdxError('REQUEST_INVALID', `The multipart upload cannot be read: ${error.message}.`)));
    req.on('error', (error) => fail(toEdxError(error)));
    parser.on('close', () => {
      void Promise.all(files).then(
        (read) => {
          if (failed) return;
          if (!metadata) return fail(new EdxError('REQUEST_INVALID', 'The multipart upload has no "metadata" part (JSON: to, subject, codeNumber, codeNotation …).'));
          const described = Array.isArray(metadata.files) ? (metadata.files as Array<{ description?: unknown }>) : [];
          resolve({
            metadata,
            files: read.map((f, i) => {
              const description = described[i]?.description;
              return { ...f, ...(typeof description === 'string' ? { description } : {}) };
            }),
          });
        },
        () => undefined, // already failed
      );
    });
    req.pipe(parser);
  });
}

/** One file part: its bytes, or once it passes `spill.aboveBytes`, its claim in the store. */
async function readFile(stream: Readable, limits: MultipartLimits, kept: { bytes: number }, spill?: MultipartSpill): Promise<{ bytes: Buffer; claim?: AttachmentClaim }> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const parts: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await chunks.next();
    if (next.done) return { bytes: Buffer.concat(parts) };
    parts.push(next.value);
    size += next.value.length;
    if (spill && size > spill.aboveBytes) break;
    kept.bytes += next.value.length;
    if (kept.bytes > limits.maxBytes) throw new EdxError('EDXML_TOO_LARGE', `The files add up to more than the ${limits.maxBytes} bytes this gateway sends (${limits.maxBytesSetting}).`, { limit: limits.maxBytes });
  }
  kept.bytes -= size - parts[parts.length - 1].length;
  async function* rest(): AsyncGenerator<Buffer> {
    yield* parts.splice(0);
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { bytes: Buffer.alloc(0), claim: await spill!.upload(rest()) };
}
