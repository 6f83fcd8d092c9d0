import { ErrorCode } from '@edx/common';
import { ResponseFor } from '@edx/edxml';
import { KnownDocument } from '../records/exchange-records';

/** The signed facts of a status that decide whether its author may say it about that document. */
export interface StatusClaim {
  readonly fromCode: string;
  readonly statusCode: string;
  readonly responseFor: ResponseFor | undefined;
}

/**
 * Whether a verified status may be said by its author about the document it is filed under, or why
 * not. A status is its author's word: a recipient of the document speaks about its own delivery,
 * only the sender asks for the document back (13), and the signed ResponseFor must name this very
 * document (its sender and DocumentId), so a signed answer to one document cannot be filed under
 * another. The hub's own statuses never come this way (it publishes them itself).
 */
export function statusAuthorshipRefusal(claim: StatusClaim, document: Pick<KnownDocument, 'senderCode' | 'edxmlDocumentId' | 'recipients'>): { code: ErrorCode; reason: string } | undefined {
  const rf = claim.responseFor;
  if (rf?.organId !== document.senderCode || rf?.documentId !== document.edxmlDocumentId) {
    return {
      code: 'STATUS_DOCUMENT_MISMATCH',
      reason: `The status answers document "${rf?.documentId ?? '(none)'}" of ${rf?.organId ?? '(none)'}, but is filed under the package of "${document.edxmlDocumentId}" from ${document.senderCode}.`,
    };
  }
  if (claim.statusCode === '13') {
    if (claim.fromCode === document.senderCode) return undefined;
    return { code: 'STATUS_AUTHOR_NOT_SENDER', reason: `Agency ${claim.fromCode} asked for document "${document.edxmlDocumentId}" back (13), but only its sender ${document.senderCode} may.` };
  }
  if (document.recipients.has(claim.fromCode)) return undefined;
  return { code: 'STATUS_AUTHOR_NOT_RECIPIENT', reason: `Agency ${claim.fromCode} reported status ${claim.statusCode} on document "${document.edxmlDocumentId}", of which it is not a recipient.` };
}
