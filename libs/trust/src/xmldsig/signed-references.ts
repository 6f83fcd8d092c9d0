import { createHash } from 'node:crypto';
import type { Attachment } from '@edx/edxml';
import { SignatureVerdict, failed } from '../verdict';
import { DIGEST_METHODS } from './algorithms';
import { ambiguousAttachments, attachmentUri } from './attachment-coverage';
import { EXC_C14N, XMLDSIG_NS, canonical, children, elementsById } from './envelope-dom';

const digest = (algorithm: string, data: string): string => createHash(algorithm).update(data).digest('base64');

/**
 * Checks SignedInfo's References against this envelope: each `#Id` names exactly one element, one
 * of those that must be signed (`required`: MessageHeader, Bussiness, the signed object, each with
 * what to call it), and each `cid:` one attachment; none is referenced twice, every digest matches,
 * and nothing required or attached is left uncovered. Attachments that cannot be told apart fail
 * first. The first failure, or undefined.
 */
export function referencesFailure(doc: Document, signedInfo: Element, required: ReadonlyMap<Element, string>, attachments: readonly Attachment[]): SignatureVerdict | undefined {
  const ambiguous = ambiguousAttachments(attachments.map((a) => a.contentId));
  if (ambiguous) return failed('DIGEST_MISMATCH', `${ambiguous} The signature cannot tell them apart; one was added or renamed after signing.`);
  const byUri = new Map(attachments.map((a) => [attachmentUri(a.contentId), a]));
  const covered = new Set<Attachment>();
  const referenced = new Set<Element>();
  const byId = elementsById(doc);

  for (const reference of children(signedInfo, XMLDSIG_NS, 'Reference')) {
    const uri = reference.getAttribute('URI') ?? '';
    const method = DIGEST_METHODS[children(reference, XMLDSIG_NS, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? ''];
    if (!method) return failed('SIGNATURE_UNSUPPORTED', `Reference ${uri}: only SHA-256 and SHA-512 digests are accepted.`);
    const expected = (children(reference, XMLDSIG_NS, 'DigestValue')[0]?.textContent ?? '').replace(/\s+/g, '');
    if (uri.startsWith('cid:')) {
      const attachment = byUri.get(uri);
      if (!attachment) return failed('DIGEST_MISMATCH', `The signature covers attachment ${uri}, which is not in the package.`);
      if (covered.has(attachment)) return failed('SIGNATURE_INVALID', `The signature references attachment ${uri} twice.`);
      if (method !== 'sha256') return failed('SIGNATURE_UNSUPPORTED', `Attachment reference ${uri} must use SHA-256.`);
      if (Buffer.from(attachment.sha256, 'hex').toString('base64') !== expected) return failed('DIGEST_MISMATCH', `Attachment ${uri} was altered after signing.`);
      covered.add(attachment);
      continue;
    }
    if (!uri.startsWith('#')) return failed('SIGNATURE_UNSUPPORTED', `Reference URI "${uri}" is not accepted (use #Id or cid:).`);
    const transforms = children(children(reference, XMLDSIG_NS, 'Transforms')[0] ?? reference, XMLDSIG_NS, 'Transform').map((t) => t.getAttribute('Algorithm'));
    if (transforms.some((t) => t !== EXC_C14N)) return failed('SIGNATURE_UNSUPPORTED', `Reference ${uri}: only the exclusive c14n transform is accepted.`);
    const targets = byId.get(uri.slice(1)) ?? [];
    // Exactly one element with that Id, and it must be the one the document is read from (no wrapping).
    if (targets.length !== 1 || !required.has(targets[0])) {
      return failed('SIGNATURE_INVALID', `Reference ${uri} does not point at the MessageHeader, Bussiness or signed object of this envelope.`);
    }
    const target = targets[0];
    if (referenced.has(target)) return failed('SIGNATURE_INVALID', `The signature references ${uri} twice.`);
    if (digest(method, canonical(target)) !== expected) return failed('DIGEST_MISMATCH', `${required.get(target)} was altered after signing.`);
    referenced.add(target);
  }
  const missing = [...required].filter(([element]) => !referenced.has(element)).map(([, name]) => name);
  if (missing.length > 0) return failed('SIGNATURE_INVALID', `The signature does not cover ${missing.join(' and ')}.`);
  const uncovered = attachments.filter((a) => !covered.has(a)).map((a) => attachmentUri(a.contentId));
  if (uncovered.length > 0) return failed('DIGEST_MISMATCH', `Attachment ${uncovered.join(', ')} is not covered by the signature (added after signing).`);
  return undefined;
}
