import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { EdxError, toEdxError } from '@edx/common';
import { DocumentFile } from './send-document.command';

/** What a multipart upload carries: the `metadata` part (JSON, the fields of the JSON API without `files`) and the files. */
export interface MultipartDocument {
  readonly metadata: Record<string, unknown>;
  readonly files: DocumentFile[];
}

export interface MultipartLimits {
  /** All files together (and the request: a larger one is refused before it is read). */
  readonly maxBytes: number;
  readonly maxBytesSetting: string;
  readonly maxFiles: number;
}

const METADATA_BYTES = 1024 * 1024;

/** The Nest token of the gateway's MultipartLimits. */
export const MULTIPART_LIMITS = Symbol('MULTIPART_LIMITS');

export const isMultipart = (req: IncomingMessage) => /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');

/**
 * Reads a `multipart/form-data` document as it streams in: a `metadata` part (JSON: to, subject,
 * codeNumber, codeNotation … as the JSON API takes them, and optionally `files: [{ description }]`
 * in the order of the file parts) and one part per file, its name and content type from the part's
 * own headers. The files arrive as their bytes, never as base64 in a JSON string: a 100 MiB PDF
 * costs the gateway 100 MiB here, not the 4× of a JSON body. Bounded: files and fields by count, the
 * metadata by size, the files together by `maxBytes` (EDXML_TOO_LARGE, and the upload stops there).
 */
export function readMultipartDocument(req: IncomingMessage, limits: MultipartLimits): Promise<MultipartDocument> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // One past each count, so the handlers below see the part that breaks it and say which rule it breaks.
      parser = busboy({ headers: req.headers, limits: { files: limits.maxFiles + 1, fields: 2, fieldSize: METADATA_BYTES, parts: limits.maxFiles + 3, fileSize: limits.maxBytes + 1 } });
    } catch (error) {
      return reject(new EdxError('REQUEST_INVALID', `The multipart upload cannot be read: ${(error as Error).message}.`));
    }
    let metadata: Record<string, unknown> | undefined;
    const files: Array<{ name: string; contentType: string; parts: Buffer[] }> = [];
    let total = 0;
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
      const file = { name: info.filename ?? '', contentType: info.mimeType || 'application/octet-stream', parts: [] as Buffer[] };
      files.push(file);
      stream.on('error', (error: Error) => fail(new EdxError('REQUEST_INVALID', `The multipart upload cannot be read: ${error.message}.`)));
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limits.maxBytes) return fail(new EdxError('EDXML_TOO_LARGE', `The files add up to more than the ${limits.maxBytes} bytes this gateway sends (${limits.maxBytesSetting}).`, { limit: limits.maxBytes }));
        if (!failed) file.parts.push(chunk);
      });
    });
    parser.on('partsLimit', () => fail(new EdxError('REQUEST_INVALID', `The multipart upload has more than ${limits.maxFiles + 1} parts: the metadata and at most ${limits.maxFiles} files.`)));
    parser.on('error', (error: Error) => fail(new EdxError('REQUEST_INVALID', `The multipart upload cannot be read: ${error.message}.`)));
    req.on('error', (error) => fail(toEdxError(error)));
    parser.on('close', () => {
      if (failed) return;
      if (!metadata) return reject(new EdxError('REQUEST_INVALID', 'The multipart upload has no "metadata" part (JSON: to, subject, codeNumber, codeNotation …).'));
      const described = Array.isArray(metadata.files) ? (metadata.files as Array<{ description?: unknown }>) : [];
      resolve({
        metadata,
        files: files.map((f, i) => {
          const description = described[i]?.description;
          return { name: f.name, contentType: f.contentType, bytes: Buffer.concat(f.parts), ...(typeof description === 'string' ? { description } : {}) };
        }),
      });
    });
    req.pipe(parser);
  });
}
