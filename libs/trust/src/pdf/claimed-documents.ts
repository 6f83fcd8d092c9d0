import { createHash } from 'node:crypto';
import { EdxError } from '@edx/common';
import type { Attachment } from '@edx/edxml';
import { DocumentInput, HEAD_BYTES, opensAsPdfOrZip } from './attachment-pdfs';

/** Where claim-checked attachments are read from: the blob store itself (hub) or the hub's blob API (gateways). */
export interface BlobReader {
  /** The bytes of the blob `sha256` (from `range.start`), streamed; throws NOT_FOUND when there is none. */
  read(sha256: string, range?: { readonly start: number }): Promise<AsyncIterable<Uint8Array>>;
}

export interface ClaimedDocumentOptions {
  /** A claimed PDF or zip is read whole to check its signatures, up to this size (EDX_VERIFY_MAX_BYTES); a larger one is refused. */
  readonly maxOpenBytes: number;
  /**
   * Stream every claimed attachment whole and check its SHA-256 (a receiving gateway: it trusts no
   * hop with the bytes); false where the store itself computed the digest (the hub).
   */
  readonly checkDigests: boolean;
}

/**
 * The documents to check the PDF signatures of, as `verifyDocuments` takes them: an attachment that
 * travels whole is itself; a claim-checked one is read from `blobs`. A reader looks for PDFs only in
 * what opens as a PDF or a zip (its name, type and first KiB), so only such a claimed attachment is
 * read whole into memory, up to `maxOpenBytes` (over it: ATTACHMENT_TOO_LARGE, as edx cannot yet check
 * PDF signatures while streaming); any other is its first KiB, streamed to the end when the digest is
 * to be checked. Bytes that do not have the digest the signature binds are DIGEST_MISMATCH; a blob
 * the store does not hold, NOT_FOUND from `blobs`.
 */
export async function claimedDocuments(attachments: readonly Attachment[], blobs: BlobReader | undefined, options: ClaimedDocumentOptions): Promise<DocumentInput[]> {
  const inputs: DocumentInput[] = [];
  for (const a of attachments) {
    if (!a.claim) {
      inputs.push(a);
      continue;
    }
    if (!blobs) throw new EdxError('INTERNAL_ERROR', `Attachment "${a.name}" is claim-checked and no blob store is configured here.`);
    inputs.push(await readClaimed(a, a.claim.size, blobs, options));
  }
  return inputs;
}

async function readClaimed(a: Attachment, size: number, blobs: BlobReader, options: ClaimedDocumentOptions): Promise<DocumentInput> {
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  let head: Buffer | undefined;
  let opens = false;
  let read = 0;
  const headOf = (parts: Buffer[]) => Buffer.concat(parts).subarray(0, HEAD_BYTES);
  for await (const piece of await blobs.read(a.sha256)) {
    const bytes = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    read += bytes.length;
    hash.update(bytes);
    if (head === undefined) {
      kept.push(bytes);
      if (read < Math.min(HEAD_BYTES, size)) continue;
      head = headOf(kept);
      opens = opensAsPdfOrZip(a, head);
      if (opens && size > options.maxOpenBytes) {
        throw new EdxError('ATTACHMENT_TOO_LARGE', `Attachment "${a.name}" opens as a PDF or a zip and is ${size} bytes: edx checks the signatures of those up to ${options.maxOpenBytes} bytes (EDX_VERIFY_MAX_BYTES), and cannot check this one.`, { maxBytes: options.maxOpenBytes });
      }
      if (!opens) kept.length = 0;
      if (!opens && !options.checkDigests) break;
      continue;
    }
    if (opens) kept.push(bytes);
  }
  if (head === undefined) {
    head = headOf(kept);
    opens = opensAsPdfOrZip(a, head);
  }
  // Read to the end (a document to open, or every byte to check): the bytes must be the ones the signature binds.
  if (opens || options.checkDigests) {
    if (read !== size) throw new EdxError('DIGEST_MISMATCH', `Attachment "${a.name}" is ${read} bytes in the blob store, not the ${size} its package names.`);
    if (hash.digest('hex') !== a.sha256) throw new EdxError('DIGEST_MISMATCH', `The bytes of attachment "${a.name}" in the blob store do not have the SHA-256 its signed package names.`);
  }
  return { name: a.name, contentType: a.contentType, bytes: opens ? Buffer.concat(kept) : head, format: opens ? undefined : 'other' };
}
