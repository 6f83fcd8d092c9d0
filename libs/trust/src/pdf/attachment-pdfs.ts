import { EdxError } from '@edx/common';
import { InflateBudget, entryBytes, readZipEntries, unreadableZip } from './zip-reader';

/** A document as a package carries it: what a reader would go by to open it. */
export interface DocumentInput {
  readonly name: string;
  readonly bytes: Buffer;
  /** The declared content type (edXML ContentType), when there is one. */
  readonly contentType?: string;
  /** What the bytes start with, when the caller already looked (the edXML parser does). */
  readonly format?: 'pdf' | 'zip' | 'other';
}

/** How far edx opens zipped attachments before refusing them. */
export interface AttachmentLimits {
  /** Bytes all the zips of one attachment may unzip to, nested ones included. */
  readonly maxUnzippedBytes: number;
  /** Zips inside zips: the attachment itself is level 1. */
  readonly maxZipDepth: number;
  /** Unzipped bytes per zipped byte (beyond the first MiB of an entry). */
  readonly maxCompressionRatio: number;
  readonly maxZipEntries: number;
}

export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = {
  maxUnzippedBytes: 256 * 1024 * 1024,
  maxZipDepth: 3,
  maxCompressionRatio: 200,
  maxZipEntries: 10_000,
};

export interface FoundPdf {
  /** The attachment name, then the path inside each zip: "ho-so.zip/phu-luc/qd.pdf". */
  readonly document: string;
  readonly bytes: Buffer;
}

/** Readers accept the header anywhere in the first KiB (ISO 32000-1 annex H.3, implementation note 13). */
const PDF_HEADER_WINDOW = 1024;
const RATIO_FLOOR = 1024 * 1024;

/** %PDF- within the first KiB: a reader opens it as a PDF, whatever precedes it. */
export function hasPdfHeader(bytes: Buffer): boolean {
  return bytes.subarray(0, PDF_HEADER_WINDOW).includes('%PDF-', 0, 'latin1');
}

function hasZipSignature(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';')[0].trim().toLowerCase();

/** Declared a PDF: by content type, by name, or by the caller's look at the bytes. */
function declaresPdf(input: Pick<DocumentInput, 'name' | 'contentType' | 'format'>): boolean {
  return input.format === 'pdf' || mediaType(input.contentType) === 'application/pdf' || /\.pdf$/i.test(input.name);
}

function declaresZip(input: Pick<DocumentInput, 'name' | 'contentType' | 'format'>): boolean {
  const type = mediaType(input.contentType);
  return input.format === 'zip' || type === 'application/zip' || type === 'application/x-zip-compressed' || /\.zip$/i.test(input.name);
}

/**
 * Whether a reader would open a document to look for PDFs, by its name, declared type and first KiB
 * (`head`): as a PDF, or as a zip that may hold some. What no reader opens has no signature to check.
 */
export function opensAsPdfOrZip(input: Pick<DocumentInput, 'name' | 'contentType'>, head: Buffer): boolean {
  return hasPdfHeader(head) || hasZipSignature(head) || declaresPdf(input) || declaresZip(input);
}

/** How much of a document `opensAsPdfOrZip` looks at. */
export const HEAD_BYTES = PDF_HEADER_WINDOW;

/**
 * Every PDF in a document the way a reader would find one: the document itself when %PDF- is in
 * its first KiB, and the PDFs of a zip, nested zips included. Returns them in order; throws
 * PDF_MALFORMED for a file declared a PDF that no reader would open as one, and
 * ATTACHMENT_UNREADABLE for a zip it cannot open within `limits` (damaged, encrypted, too deep, too
 * large, too compressed): a document edx cannot look into is refused, never skipped.
 */
export function pdfsIn(input: DocumentInput, limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS): FoundPdf[] {
  const budget: InflateBudget = { limit: limits.maxUnzippedBytes, remaining: limits.maxUnzippedBytes, maxRatio: limits.maxCompressionRatio, ratioFloor: RATIO_FLOOR };
  return pdfsOf({ ...input, path: input.name }, 0, limits, budget);
}

function pdfsOf(input: DocumentInput & { path: string }, zipLevel: number, limits: AttachmentLimits, budget: InflateBudget): FoundPdf[] {
  const found: FoundPdf[] = [];
  const isPdf = hasPdfHeader(input.bytes);
  if (isPdf) found.push({ document: input.path, bytes: input.bytes });
  else if (declaresPdf(input)) throw new EdxError('PDF_MALFORMED', `${input.path} is declared a PDF but has no %PDF- header in its first ${PDF_HEADER_WINDOW} bytes: no reader opens it, and its signatures cannot be checked.`);
  // A PDF that also starts like a zip is both to some reader: checked as both.
  if (hasZipSignature(input.bytes) || (declaresZip(input) && !isPdf)) found.push(...pdfsInZip(input, zipLevel + 1, limits, budget));
  return found;
}

function pdfsInZip(input: DocumentInput & { path: string }, zipLevel: number, limits: AttachmentLimits, budget: InflateBudget): FoundPdf[] {
  const refuse = (error: unknown): never => {
    const e = error instanceof EdxError ? error : unreadableZip((error as Error).message);
    if (e.code !== 'ATTACHMENT_UNREADABLE') throw e;
    throw unreadableZip(`${input.path} cannot be opened to check its signatures: ${e.message.replace(/\.$/, '')}.`);
  };
  if (zipLevel > limits.maxZipDepth) refuse(unreadableZip(`it is a zip nested ${zipLevel} levels deep, more than the ${limits.maxZipDepth} edx opens`));
  const found: FoundPdf[] = [];
  let entries: ReturnType<typeof readZipEntries> = [];
  try {
    entries = readZipEntries(input.bytes, limits.maxZipEntries);
  } catch (error) {
    refuse(error);
  }
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue; // a folder
    const child = { name: entry.name, path: `${input.path}/${entry.name}` };
    let bytes: Buffer;
    try {
      // What is not named a PDF or a zip is opened only as far as a reader looks for a header.
      const named = declaresPdf(child) || declaresZip(child);
      bytes = entryBytes(input.bytes, entry, budget, named ? undefined : PDF_HEADER_WINDOW);
      if (!named && (hasPdfHeader(bytes) || hasZipSignature(bytes))) bytes = entryBytes(input.bytes, entry, budget);
      else if (!named) continue;
    } catch (error) {
      return refuse(error);
    }
    found.push(...pdfsOf({ ...child, bytes }, zipLevel, limits, budget));
  }
  return found;
}
