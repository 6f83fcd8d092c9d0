import { unzipSync } from 'fflate';
import { ErrorCode } from '@edx/common';
import { VerifyOptions, belongsTo } from '../verdict';
import { PdfSignatureReport, verifyPdf } from './pdf-signature';

/** What a package's documents must carry (a policy setting). */
export interface SignaturePolicy {
  /** A valid signature of the sending organisation on the main document (the first PDF), on every PDF, or none required. */
  readonly requireOrganisationSignature: 'main' | 'every' | 'none';
}

export interface DocumentInput {
  readonly name: string;
  readonly bytes: Buffer;
  readonly format: 'pdf' | 'zip' | 'other';
}

export interface DocumentReport {
  /** The attachment name, and the path inside it for a zipped PDF. */
  readonly document: string;
  readonly signatures: PdfSignatureReport[];
}

export interface DocumentSignatureResult {
  readonly ok: boolean;
  readonly code?: ErrorCode;
  readonly message: string;
  readonly reports: DocumentReport[];
}

/** Unzipped files beyond this are not opened (a zip bomb must not exhaust memory). */
const MAX_UNZIPPED_BYTES = 256 * 1024 * 1024;

function pdfsOf(input: DocumentInput): Array<{ document: string; bytes: Buffer }> {
  if (input.format === 'pdf') return [{ document: input.name, bytes: input.bytes }];
  if (input.format !== 'zip') return [];
  let total = 0;
  const files = unzipSync(new Uint8Array(input.bytes.buffer, input.bytes.byteOffset, input.bytes.length), {
    filter: (file) => {
      total += file.originalSize;
      return total <= MAX_UNZIPPED_BYTES && file.originalSize > 4;
    },
  });
  return Object.entries(files)
    .filter(([, bytes]) => Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-')
    .map(([name, bytes]) => ({ document: `${input.name}/${name}`, bytes: Buffer.from(bytes) }));
}

/**
 * Verifies the legal signatures in a package's documents (PDFs, also inside zipped attachments) and
 * applies the policy. An invalid signature anywhere fails the package, whatever the policy: a
 * document whose signature does not hold is not the document its signer signed.
 */
export function verifyDocumentSignatures(inputs: readonly DocumentInput[], options: VerifyOptions & { policy: SignaturePolicy }): DocumentSignatureResult {
  const reports: DocumentReport[] = [];
  for (const input of inputs) {
    try {
      for (const pdf of pdfsOf(input)) reports.push({ document: pdf.document, signatures: verifyPdf(pdf.bytes, options) });
    } catch (error) {
      return { ok: false, code: 'PDF_MALFORMED', message: `${input.name} cannot be opened: ${(error as Error).message}`, reports };
    }
  }
  for (const report of reports) {
    const broken = report.signatures.find((s) => !s.ok);
    if (broken) return { ok: false, code: broken.code, message: `${report.document}: ${broken.message}`, reports };
  }
  const required = options.policy.requireOrganisationSignature;
  if (required === 'none') return { ok: true, message: describe(reports), reports };
  const mustCarry = required === 'main' ? reports.slice(0, 1) : reports;
  if (mustCarry.length === 0) return { ok: false, code: 'SIGNATURE_MISSING', message: 'The package holds no PDF document to carry the signatures.', reports };
  for (const report of mustCarry) {
    const organisation = report.signatures.filter((s) => s.signer?.kind === 'organisation');
    if (organisation.length === 0) {
      return { ok: false, code: 'SIGNATURE_MISSING', message: `${report.document} carries no signature of the issuing organisation.`, reports };
    }
    const sender = options.senderCode;
    if (sender !== undefined && !organisation.some((s) => belongsTo(options, sender, s.signer!))) {
      return { ok: false, code: 'SIGNER_NOT_SENDER', message: `${report.document} is signed by ${organisation[0].signer!.subject}, not by the sending agency ${sender}.`, reports };
    }
  }
  return { ok: true, message: describe(reports), reports };
}

function describe(reports: DocumentReport[]): string {
  const count = reports.reduce((n, r) => n + r.signatures.length, 0);
  return `${count} valid signature${count === 1 ? '' : 's'} in ${reports.length} PDF document${reports.length === 1 ? '' : 's'}.`;
}
