import { contentIdRoot, type Attachment, type ManifestReference } from '@edx/edxml';
import type { SignedAttachment } from './signed-object';

/**
 * How the envelope signature binds attachments: each by its exact ContentId, nothing stripped twice,
 * nothing case-folded; the manifest and the attachments, in order, exactly as the signed object lists them.
 */

/** The `cid:` URI a Reference names an attachment by: its ContentId when that already is a cid: URL, else "cid:" + it. */
export const attachmentUri = (contentId: string): string => (contentId.startsWith('cid:') ? contentId : `cid:${contentId}`);

/**
 * Why these attachments cannot be told apart (two with one ContentId, or with ContentIds equal once
 * every leading "cid:" is stripped), or undefined. A signature over such a package would depend on
 * how many prefixes a reader strips, so it is not accepted.
 */
export function ambiguousAttachments(contentIds: readonly string[]): string | undefined {
  const seen = new Map<string, string>();
  for (const id of contentIds) {
    const other = seen.get(contentIdRoot(id));
    if (other !== undefined) {
      return other === id ? `Two attachments have ContentId "${id}".` : `Attachments "${other}" and "${id}" differ only by a cid: prefix.`;
    }
    seen.set(contentIdRoot(id), id);
  }
  return undefined;
}

interface Listed {
  readonly contentId?: string;
  readonly name?: string;
  readonly contentType?: string;
  readonly description?: string;
}

const FIELDS = [
  ['contentId', 'ContentId'],
  ['name', 'AttachmentName'],
  ['contentType', 'ContentType'],
  ['description', 'Description'],
] as const;

function differentField(signed: SignedAttachment, listed: Listed): string | undefined {
  return FIELDS.find(([key]) => signed[key] !== listed[key])?.[1];
}

/**
 * Where the package as the parser read it differs from what the signature binds: the manifest
 * References and the attachments, each in order, field by field and byte by byte. A sentence, or
 * undefined when they are the same.
 */
export function differenceFromSigned(signed: readonly SignedAttachment[], references: readonly ManifestReference[], attachments: readonly Attachment[]): string | undefined {
  if (references.length !== signed.length) return `The manifest lists ${references.length} attachment(s); ${signed.length} were signed.`;
  if (attachments.length !== signed.length) return `The package carries ${attachments.length} attachment(s); ${signed.length} were signed.`;
  for (let i = 0; i < signed.length; i++) {
    const s = signed[i];
    const r = references[i];
    const inManifest = differentField(s, { contentId: r.contentId, name: r.attachmentName, contentType: r.contentType, description: r.description });
    if (inManifest) return `Manifest Reference ${i + 1} has another ${inManifest} than signed attachment ${i + 1} (${s.contentId}): renamed, retyped or reordered after signing.`;
    const a = attachments[i];
    const inAttachment = differentField(s, a);
    if (inAttachment) return `Attachment ${i + 1} has another ${inAttachment} than signed attachment ${i + 1} (${s.contentId}): renamed, retyped or reordered after signing.`;
    if (a.sha256 !== s.sha256) return `Attachment ${i + 1} (${s.contentId}) was altered after signing.`;
  }
  return undefined;
}
