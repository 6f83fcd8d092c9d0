import { EdxError } from '@edx/common';
import { createHash } from 'node:crypto';
import { AttachmentInput, ManifestReference, Package, ParsedEdxml, StatusMessage, contentIdKey, parseEdxml, serializeEnvelope, writeEdxml } from '@edx/edxml';
import { SigningIdentity } from '../certs/identity';
import { signEnvelope } from './envelope-signature';

/** The manifest Reference that lists an attachment exactly as the attachment says it. */
function referenceOf(a: AttachmentInput): ManifestReference {
  const reference: ManifestReference = { contentId: a.contentId, contentType: a.contentType, attachmentName: a.name };
  if (a.description !== undefined) reference.description = a.description;
  return reference;
}

/**
 * Writes a package signed by `identity` for `packageId` (the AMQP message id it will travel under):
 * the envelope in reference order with its XML-DSig over MessageHeader, Bussiness, the package id
 * and the manifest, and every attachment (`cid:` digests of the decoded bytes), then the attachments.
 * The manifest is written from `attachments` (same ContentIds, names, types, descriptions and order),
 * so what it lists is exactly what travels and is signed. Any earlier envelope signature is replaced.
 * Throws the EdxError of `signEnvelope` (an id that cannot travel as a message id, two attachments
 * whose ContentIds cannot be told apart).
 */
export function writeSignedPackage(model: Package, attachments: readonly AttachmentInput[], identity: SigningIdentity, packageId: string): Buffer {
  const listed: Package = { ...model, references: attachments.map(referenceOf) };
  // A claim-checked attachment is signed by the digest it is stored under: the signature binds those bytes.
  const digests = attachments.map((a) => ({ contentId: a.contentId, sha256: a.claim?.sha256 ?? createHash('sha256').update(a.bytes).digest('hex') }));
  return writeEdxml(signEnvelope(serializeEnvelope(listed), { kind: 'package', packageId, attachments: digests }, identity), [...attachments]);
}

/**
 * Writes a status message signed by `identity` for `messageId` (the AMQP message id it will travel
 * under) about the package `packageId` (the document it answers: the hub and gateways file it there
 * and check that the signature says so). Throws as `signEnvelope`.
 */
export function writeSignedStatus(status: StatusMessage, identity: SigningIdentity, messageId: string, packageId: string): Buffer {
  return writeEdxml(signEnvelope(serializeEnvelope(status), { kind: 'status', messageId, packageId }, identity), []);
}

/**
 * The attachments of a parsed package as the writer takes them, in document order, each with its
 * exact ContentId; where its manifest Reference (found as the validator finds it) says more (the content type, a name or description
 * the attachment lacks) the manifest's word is kept.
 */
export function attachmentsOf(parsed: Extract<ParsedEdxml, { kind: 'package' }>): AttachmentInput[] {
  const references = new Map(parsed.package.references.map((r) => [contentIdKey(r.contentId ?? ''), r]));
  return parsed.attachments.map((a) => {
    const reference = references.get(contentIdKey(a.contentId));
    const input: AttachmentInput = { contentId: a.contentId, name: a.name || reference?.attachmentName || '', contentType: reference?.contentType ?? a.contentType, bytes: a.bytes };
    const description = a.description ?? reference?.description;
    if (description !== undefined) input.description = description;
    if (a.claim) input.claim = { sha256: a.sha256, size: a.claim.size };
    return input;
  });
}

/**
 * Re-signs an edXML file (package or status) as `identity` for `id` (its package or message id); a
 * status also for `aboutPackageId`, the package it answers. Throws the EdxError of `parseEdxml` or
 * `signEnvelope`, REQUEST_INVALID for a status without `aboutPackageId`.
 */
export function resignEdxml(bytes: Buffer, identity: SigningIdentity, id: string, aboutPackageId?: string): Buffer {
  const parsed = parseEdxml(bytes);
  if (parsed.kind === 'package') return writeSignedPackage(parsed.package, attachmentsOf(parsed), identity, id);
  if (!aboutPackageId) throw new EdxError('REQUEST_INVALID', 'A status is signed for the package it answers: name that package id.');
  return writeSignedStatus(parsed.status, identity, id, aboutPackageId);
}
