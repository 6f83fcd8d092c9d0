import { EdxError } from '@edx/common';
import { EDXML_NS, children } from './envelope-dom';
import type { SignedAttachment } from './signed-object';

/** An attachment as the signer is given it: its ContentId exactly as the manifest lists it, and the hex SHA-256 of its decoded bytes. */
export interface AttachmentDigest {
  readonly contentId: string;
  readonly sha256: string;
}

/** A manifest field as a reader gets it: the element's text, trimmed (undefined when absent). */
function field(reference: Element, name: string): string | undefined {
  const el = children(reference, EDXML_NS, name)[0];
  return el ? (el.textContent ?? '').trim() : undefined;
}

/**
 * The signed object's attachment entries: the manifest as this envelope states it (so the signature
 * holds exactly what a reader will read), with the digest given for each attachment. `digests` must
 * list the manifest's ContentIds in its order. Throws EdxError EDXML_REFERENCE_UNRESOLVED when they
 * do not, EDXML_REQUIRED when a Reference lacks its ContentId, AttachmentName or ContentType.
 */
export function manifestEntries(envelope: Element, digests: readonly AttachmentDigest[]): SignedAttachment[] {
  const body = children(envelope, EDXML_NS, 'edXMLBody')[0];
  const manifest = body && children(body, EDXML_NS, 'edXMLManifest')[0];
  const references = manifest ? children(manifest, EDXML_NS, 'Reference') : [];
  if (references.length !== digests.length) {
    throw new EdxError('EDXML_REFERENCE_UNRESOLVED', `The manifest lists ${references.length} attachment(s) but ${digests.length} are to be signed.`);
  }
  return references.map((reference, i) => {
    const contentId = field(reference, 'ContentId');
    const name = field(reference, 'AttachmentName');
    const contentType = field(reference, 'ContentType');
    if (contentId === undefined || name === undefined || contentType === undefined) {
      throw new EdxError('EDXML_REQUIRED', `Manifest Reference ${i + 1} needs ContentId, AttachmentName and ContentType to be signed.`);
    }
    if (contentId !== digests[i].contentId.trim()) {
      throw new EdxError('EDXML_REFERENCE_UNRESOLVED', `Manifest Reference ${i + 1} is "${contentId}", but the attachment to sign there is "${digests[i].contentId}".`);
    }
    const description = field(reference, 'Description');
    const sha256 = digests[i].sha256;
    return description === undefined ? { contentId, name, contentType, sha256 } : { contentId, name, contentType, description, sha256 };
  });
}
