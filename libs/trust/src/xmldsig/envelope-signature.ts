import { createHash, randomBytes, sign as signBytes } from 'node:crypto';
import { XMLSerializer } from '@xmldom/xmldom';
import { EdxError } from '@edx/common';
import { SigningIdentity } from '../certs/identity';
import { RSA_SHA256, SHA256 } from './algorithms';
import { attachmentUri, ambiguousAttachments } from './attachment-coverage';
import { EXC_C14N, XMLDSIG_NS, c14nAttr, canonical, children, headerOf, parseEnvelope, signedParts } from './envelope-dom';
import { AttachmentDigest, manifestEntries } from './manifest-entries';
import { SIGNED_OBJECT_IDS, SignedContent, signedObjectXml } from './signed-object';

export { XMLDSIG_NS } from './envelope-dom';
export type { AttachmentDigest } from './manifest-entries';
export type { SignedAttachment } from './signed-object';
export * from './envelope-verification';

/**
 * What a signature binds besides the envelope's own elements: for a package, its id (the AMQP
 * message id it will travel under) and its attachments in manifest order; for a status, its message
 * id and the package id of the document it answers.
 */
export type EnvelopeBinding =
  | { readonly kind: 'package'; readonly packageId: string; readonly attachments: readonly AttachmentDigest[] }
  | { readonly kind: 'status'; readonly messageId: string; readonly packageId: string };

const digestOf = (data: string): string => createHash('sha256').update(data).digest('base64');

// The Signature is written already in exclusive-c14n form (empty elements expanded, attribute values
// escaped as c14n does), so SignedInfo's canonical bytes are known without a DOM round trip.
function referenceXml(uri: string, digestValue: string, transform: boolean): string {
  return (
    `<ds:Reference URI="${c14nAttr(uri)}">` +
    (transform ? `<ds:Transforms><ds:Transform Algorithm="${EXC_C14N}"></ds:Transform></ds:Transforms>` : '') +
    `<ds:DigestMethod Algorithm="${SHA256}"></ds:DigestMethod><ds:DigestValue>${digestValue}</ds:DigestValue></ds:Reference>`
  );
}

/** Message ids travel as AMQP short strings: printable ASCII, no spaces. */
const MESSAGE_ID = /^[\x21-\x7e]{1,255}$/;

function signedContentOf(envelope: Element, binding: EnvelopeBinding): SignedContent {
  const id = binding.kind === 'package' ? binding.packageId : binding.messageId;
  if (!MESSAGE_ID.test(id)) throw new EdxError('SIGNATURE_MALFORMED', `"${id}" cannot be signed as a message id (printable ASCII without spaces, at most 255 characters).`);
  if (binding.kind === 'status') {
    if (!MESSAGE_ID.test(binding.packageId)) throw new EdxError('SIGNATURE_MALFORMED', `"${binding.packageId}" cannot be signed as the package id a status answers.`);
    return { kind: 'status', id, packageId: binding.packageId };
  }
  const attachments = manifestEntries(envelope, binding.attachments);
  const ambiguous = ambiguousAttachments(attachments.map((a) => a.contentId));
  if (ambiguous) throw new EdxError('EDXML_CONTENT_ID_AMBIGUOUS', `${ambiguous} Such a package cannot be signed.`);
  return { kind: 'package', id, attachments };
}

/**
 * Signs an edXML envelope (the standalone edXMLEnvelope element) with the identity's key: RSA-SHA256,
 * exclusive c14n, References by Id to MessageHeader and Bussiness (Ids added when absent), to the edx
 * object that binds the package id and the manifest (docs/signatures.md), and one `cid:` Reference per
 * attachment carrying the SHA-256 of its decoded bytes. Any earlier Signature (such as the SDK
 * placeholder) is replaced. Returns the new envelope XML. Throws EdxError SIGNATURE_MALFORMED for an
 * envelope that is not well-formed or has no MessageHeader, or an id that cannot travel as an AMQP
 * message id; EDXML_REFERENCE_UNRESOLVED or EDXML_REQUIRED when the manifest does not list the
 * attachments given; EDXML_CONTENT_ID_AMBIGUOUS when two of them cannot be told apart.
 */
export function signEnvelope(envelopeXml: string, binding: EnvelopeBinding, identity: SigningIdentity): string {
  const doc = parseEnvelope(envelopeXml);
  const header = headerOf(doc);
  for (const old of children(header, null, 'Signature')) header.removeChild(old);
  const content = signedContentOf(doc.documentElement!, binding);
  const { messageHeader, business } = signedParts(header);
  const references: string[] = [];
  for (const [element, fallbackId] of [[messageHeader, 'edx-message-header'], [business, 'edx-business']] as const) {
    if (!element) continue;
    if (!element.getAttribute('Id')) element.setAttribute('Id', fallbackId);
    references.push(referenceXml(`#${element.getAttribute('Id')!}`, digestOf(canonical(element)), true));
  }
  const objectXml = signedObjectXml(content);
  references.push(referenceXml(`#${SIGNED_OBJECT_IDS[content.kind]}`, digestOf(objectXml), true));
  if (content.kind === 'package') {
    for (const a of content.attachments) references.push(referenceXml(attachmentUri(a.contentId), Buffer.from(a.sha256, 'hex').toString('base64'), false));
  }
  const signedInfo =
    `<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${EXC_C14N}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${RSA_SHA256}"></ds:SignatureMethod>${references.join('')}</ds:SignedInfo>`;
  // Exclusive c14n of SignedInfo: its own text plus the one namespace it visibly uses.
  const canonicalSignedInfo = `<ds:SignedInfo xmlns:ds="${XMLDSIG_NS}">${signedInfo.slice('<ds:SignedInfo>'.length)}`;
  const value = signBytes('sha256', Buffer.from(canonicalSignedInfo, 'utf8'), identity.privateKey).toString('base64');
  const certificate = identity.certificate.der.toString('base64');
  const signatureXml =
    `<ds:Signature xmlns:ds="${XMLDSIG_NS}">${signedInfo}<ds:SignatureValue>${value}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `<ds:Object>${objectXml}</ds:Object></ds:Signature>`;
  // Serialize with a unique marker where the Signature goes, then put the Signature's text there.
  const marker = `edx-signature-${randomBytes(8).toString('hex')}`;
  header.appendChild(doc.createComment(marker));
  // The serializer writes a CR character as itself, which every reader turns into LF: write it as a
  // reference, as the edXML writer does, so what was digested is what is read.
  const serialized = new XMLSerializer().serializeToString(doc).replace(/\r/g, '&#13;');
  return serialized.replace(`<!--${marker}-->`, () => signatureXml);
}
