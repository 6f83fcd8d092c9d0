import { EdxError, ErrorCode } from '@edx/common';
import { VerifyOptions, belongsTo } from '../verdict';
import { AttachmentLimits, DEFAULT_ATTACHMENT_LIMITS, DocumentInput, pdfsIn } from './attachment-pdfs';
import { PdfSignatureReport, verifyPdf } from './pdf-signature';

export type { AttachmentLimits, DocumentInput } from './attachment-pdfs';
export { DEFAULT_ATTACHMENT_LIMITS, hasPdfHeader } from './attachment-pdfs';

/** What a package's documents must carry (a policy setting). */
export interface SignaturePolicy {
  /** A valid signature of the sending organisation on the main document (the first PDF), on every PDF, or none required. */
  readonly requireOrganisationSignature: 'main' | 'every' | 'none';
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

/**
 * Verifies the legal signatures in a package's documents and applies the policy. Every PDF a reader
 * would find is checked (see pdfsIn: behind junk, by declared type or name, in nested zips), and
 * what cannot be opened is refused (ATTACHMENT_UNREADABLE, PDF_MALFORMED), never skipped. An
 * invalid signature anywhere fails the package, whatever the policy: a document whose signature does
 * not hold is not the document its signer signed. Never throws: the result says why.
 */
export function verifyDocumentSignatures(
  inputs: readonly DocumentInput[],
  options: VerifyOptions & { policy: SignaturePolicy; limits?: Partial<AttachmentLimits> },
): DocumentSignatureResult {
  const limits = { ...DEFAULT_ATTACHMENT_LIMITS, ...options.limits };
  const reports: DocumentReport[] = [];
  for (const input of inputs) {
    try {
      for (const pdf of pdfsIn(input, limits)) reports.push({ document: pdf.document, signatures: verifyPdf(pdf.bytes, options) });
    } catch (error) {
      const e = error instanceof EdxError ? error : new EdxError('ATTACHMENT_UNREADABLE', `${input.name} cannot be opened: ${(error as Error).message}`);
      return { ok: false, code: e.code, message: e.message, reports };
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
