import type { ErrorCode } from '@edx/common';
import type { ResponseFor } from './package.model';

/** What the verifier knows of the document a status is filed under. */
export interface AnsweredDocument {
  readonly senderCode: string;
  readonly edxmlDocumentId: string;
  /** Every recipient the document has a delivery for, whatever its state. */
  readonly recipients: ReadonlySet<string>;
}

/** The signed facts of a status that decide whether its author may say it about that document. */
export interface StatusClaim {
  /** The agency the status speaks for: its signed From, or for the hub's own 02 the recipient it is about (if any). */
  readonly fromCode: string | undefined;
  readonly statusCode: string;
  readonly responseFor: ResponseFor | undefined;
  /** Signed by the hub: it issues only rejections (02), about the whole package or one recipient. */
  readonly issuedByHub?: boolean;
}

/**
 * Whether a verified status may be said by its author about the document it is filed under, or why
 * not (the hub decides with it, and receiving gateways check again). A status is its author's word:
 * a recipient speaks about its own delivery, only the sender asks for the document back (13), the
 * hub only rejects (02); and the signed ResponseFor must name this very document (its sender and
 * DocumentId), so a signed answer to one document cannot be filed under another.
 */
export function statusAuthorshipRefusal(claim: StatusClaim, document: AnsweredDocument): { code: ErrorCode; reason: string } | undefined {
  const rf = claim.responseFor;
  if (rf?.organId !== document.senderCode || rf?.documentId !== document.edxmlDocumentId) {
    return {
      code: 'STATUS_DOCUMENT_MISMATCH',
      reason: `The status answers document "${rf?.documentId ?? '(none)'}" of ${rf?.organId ?? '(none)'}, but is filed under the package of "${document.edxmlDocumentId}" from ${document.senderCode}.`,
    };
  }
  if (claim.issuedByHub) {
    if (claim.statusCode === '02' && (claim.fromCode === undefined || document.recipients.has(claim.fromCode))) return undefined;
    return { code: 'STATUS_AUTHOR_NOT_RECIPIENT', reason: `The hub issues only rejections (02) about a recipient of the document, not ${claim.statusCode} about ${claim.fromCode ?? 'the package'}.` };
  }
  if (claim.statusCode === '13') {
    if (claim.fromCode === document.senderCode) return undefined;
    return { code: 'STATUS_AUTHOR_NOT_SENDER', reason: `Agency ${claim.fromCode} asked for document "${document.edxmlDocumentId}" back (13), but only its sender ${document.senderCode} may.` };
  }
  if (claim.fromCode !== undefined && document.recipients.has(claim.fromCode)) return undefined;
  return { code: 'STATUS_AUTHOR_NOT_RECIPIENT', reason: `Agency ${claim.fromCode} reported status ${claim.statusCode} on document "${document.edxmlDocumentId}", of which it is not a recipient.` };
}
