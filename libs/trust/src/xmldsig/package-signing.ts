import { createHash } from 'node:crypto';
import { AttachmentInput, Package, ParsedEdxml, StatusMessage, parseEdxml, serializeEnvelope, writeEdxml } from '@edx/edxml';
import { SigningIdentity } from '../certs/identity';
import { signEnvelope } from './envelope-signature';

/**
 * Writes a package signed by `identity`: the envelope in reference order, its XML-DSig over
 * MessageHeader, Bussiness and every attachment (`cid:` digests of the decoded bytes), then the
 * attachments. Any earlier envelope signature is replaced.
 */
export function writeSignedPackage(model: Package, attachments: readonly AttachmentInput[], identity: SigningIdentity): Buffer {
  const digests = attachments.map((a) => ({ contentId: a.contentId.replace(/^cid:/i, ''), sha256: createHash('sha256').update(a.bytes).digest('hex') }));
  return writeEdxml(signEnvelope(serializeEnvelope(model), digests, identity), [...attachments]);
}

/** Writes a status message signed by `identity`. */
export function writeSignedStatus(status: StatusMessage, identity: SigningIdentity): Buffer {
  return writeEdxml(signEnvelope(serializeEnvelope(status), [], identity), []);
}

/** The attachments of a parsed package as the writer takes them (the manifest's content type kept). */
export function attachmentsOf(parsed: Extract<ParsedEdxml, { kind: 'package' }>): AttachmentInput[] {
  const references = new Map(parsed.package.references.map((r) => [(r.contentId ?? '').replace(/^cid:/i, ''), r]));
  return parsed.attachments.map((a) => {
    const input: AttachmentInput = { contentId: `cid:${a.contentId}`, name: a.name, contentType: references.get(a.contentId)?.contentType ?? a.contentType, bytes: a.bytes };
    if (a.description !== undefined) input.description = a.description;
    return input;
  });
}

/** Re-signs an edXML file (package or status) as `identity`. */
export function resignEdxml(bytes: Buffer, identity: SigningIdentity): Buffer {
  const parsed = parseEdxml(bytes);
  return parsed.kind === 'package' ? writeSignedPackage(parsed.package, attachmentsOf(parsed), identity) : writeSignedStatus(parsed.status, identity);
}
