import { createHash, randomBytes, sign as signBytes, verify as verifyBytes } from 'node:crypto';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { EdxError } from '@edx/common';
import { Certificate } from '../certs/certificate';
import { SigningIdentity } from '../certs/identity';
import { SignatureVerdict, SignerInfo, VerifyOptions, belongsTo, failed } from '../verdict';
import { placeholderReason } from './placeholder';

export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

const SIGNATURE_METHODS: Readonly<Record<string, string>> = {
  [RSA_SHA256]: 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'sha512',
};
const DIGEST_METHODS: Readonly<Record<string, string>> = {
  [SHA256]: 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
const CANONICALIZATIONS = new Set([EXC_C14N]);

/** An attachment as the signature covers it: its ContentId (without "cid:") and SHA-256 (hex) of its decoded bytes. */
export interface AttachmentDigest {
  readonly contentId: string;
  readonly sha256: string;
}

function parse(xml: string): Document {
  const errors: string[] = [];
  const record = (message: string) => void errors.push(message);
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: record, fatalError: record } }).parseFromString(xml, 'text/xml');
  if (errors.length > 0 || !doc.documentElement) throw new EdxError('SIGNATURE_MALFORMED', `The envelope cannot be read: ${errors[0] ?? 'empty'}.`);
  return doc;
}

function children(parent: Element, ns: string | null, localName: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === localName && (ns === null || (n as Element).namespaceURI === ns)) out.push(n as Element);
  }
  return out;
}

function headerOf(doc: Document): Element {
  const header = children(doc.documentElement!, EDXML_NS, 'edXMLHeader')[0];
  if (!header) throw new EdxError('SIGNATURE_MALFORMED', 'The envelope has no edXMLHeader.');
  return header;
}

/** The elements the envelope signature must cover: MessageHeader and (when present) Bussiness. */
function signedParts(header: Element): { messageHeader: Element; business?: Element } {
  const messageHeader = children(header, EDXML_NS, 'MessageHeader')[0];
  if (!messageHeader) throw new EdxError('SIGNATURE_MALFORMED', 'The envelope has no MessageHeader.');
  const traces = children(header, EDXML_NS, 'TraceHeaderList')[0];
  const business = (traces && children(traces, EDXML_NS, 'Bussiness')[0]) ?? children(header, EDXML_NS, 'Bussiness')[0];
  return { messageHeader, business };
}

const canonical = (node: Node): string => new ExclusiveCanonicalization().process(node as never, {}) as string;
const digest = (algorithm: string, data: string | Buffer): string => createHash(algorithm).update(data).digest('base64');

// The Signature is written already in exclusive-c14n form (empty elements expanded, attribute values
// escaped as c14n does), so SignedInfo's canonical bytes are known without a DOM round trip.
function referenceXml(uri: string, digestValue: string, transform: boolean): string {
  return (
    `<ds:Reference URI="${uri}">` +
    (transform ? `<ds:Transforms><ds:Transform Algorithm="${EXC_C14N}"></ds:Transform></ds:Transforms>` : '') +
    `<ds:DigestMethod Algorithm="${SHA256}"></ds:DigestMethod><ds:DigestValue>${digestValue}</ds:DigestValue></ds:Reference>`
  );
}

const ATTR_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };
const escapeAttr = (value: string) => value.replace(/[&"<\t\n\r]/g, (c) => ATTR_ESCAPES[c]);

/**
 * Signs an edXML envelope (the standalone edXMLEnvelope element) with the identity's key: RSA-SHA256,
 * exclusive c14n, References by Id to MessageHeader and Bussiness (Ids added when absent) and one
 * `cid:` Reference per attachment carrying the SHA-256 of its decoded bytes. Any earlier Signature
 * (such as the SDK placeholder) is replaced. Returns the new envelope XML.
 */
export function signEnvelope(envelopeXml: string, attachments: readonly AttachmentDigest[], identity: SigningIdentity): string {
  const doc = parse(envelopeXml);
  const header = headerOf(doc);
  for (const old of children(header, null, 'Signature')) header.removeChild(old);
  const { messageHeader, business } = signedParts(header);
  const references: string[] = [];
  for (const [element, fallbackId] of [[messageHeader, 'edx-message-header'], [business, 'edx-business']] as const) {
    if (!element) continue;
    if (!element.getAttribute('Id')) element.setAttribute('Id', fallbackId);
    references.push(referenceXml(`#${escapeAttr(element.getAttribute('Id')!)}`, digest('sha256', canonical(element)), true));
  }
  for (const a of attachments) {
    references.push(referenceXml(`cid:${escapeAttr(a.contentId)}`, Buffer.from(a.sha256, 'hex').toString('base64'), false));
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
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`;
  // Serialize with a unique marker where the Signature goes, then put the Signature's text there.
  const marker = `edx-signature-${randomBytes(8).toString('hex')}`;
  header.appendChild(doc.createComment(marker));
  return new XMLSerializer().serializeToString(doc).replace(`<!--${marker}-->`, () => signatureXml);
}

/**
 * Verifies the envelope signature of an edXML envelope: every Reference digest (MessageHeader,
 * Bussiness, each attachment), the signature value, the signer's certificate chain and that it
 * belongs to the sender. Never throws for bad input: the verdict says what is wrong.
 */
export function verifyEnvelope(envelopeXml: string, attachments: readonly AttachmentDigest[], options: VerifyOptions): SignatureVerdict {
  try {
    return verifyOrThrow(envelopeXml, attachments, options);
  } catch (error) {
    if (error instanceof EdxError) return failed(error.code, error.message);
    return failed('SIGNATURE_MALFORMED', `The envelope signature cannot be read: ${(error as Error).message}`);
  }
}

function verifyOrThrow(envelopeXml: string, attachments: readonly AttachmentDigest[], options: VerifyOptions): SignatureVerdict {
  const doc = parse(envelopeXml);
  const header = headerOf(doc);
  const signatures = children(header, null, 'Signature');
  if (signatures.length === 0) return failed('SIGNATURE_MISSING', 'The envelope is not signed (no Signature in edXMLHeader).');
  if (signatures.length > 1) return failed('SIGNATURE_MALFORMED', 'The envelope holds more than one Signature.');
  const signature = signatures[0];
  const placeholder = placeholderReason(signature, XMLDSIG_NS);
  if (placeholder) return failed('SIGNATURE_PLACEHOLDER', `The envelope signature is the reference SDK placeholder, not a real signature: ${placeholder}.`);

  const signedInfo = children(signature, XMLDSIG_NS, 'SignedInfo')[0];
  if (!signedInfo) return failed('SIGNATURE_MALFORMED', 'The Signature has no SignedInfo.');
  const c14nMethod = children(signedInfo, XMLDSIG_NS, 'CanonicalizationMethod')[0]?.getAttribute('Algorithm') ?? '';
  const signatureMethod = children(signedInfo, XMLDSIG_NS, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '';
  if (!CANONICALIZATIONS.has(c14nMethod)) return failed('SIGNATURE_UNSUPPORTED', `Canonicalization ${c14nMethod || '(none)'} is not accepted; use exclusive c14n.`);
  const signatureDigest = SIGNATURE_METHODS[signatureMethod];
  if (!signatureDigest) return failed('SIGNATURE_UNSUPPORTED', `Signature method ${signatureMethod || '(none)'} is not accepted; use RSA-SHA256.`);

  const { messageHeader, business } = signedParts(header);
  const required = new Map<Element, string>([[messageHeader, 'MessageHeader']]);
  if (business) required.set(business, 'Bussiness');
  const attachmentsById = new Map(attachments.map((a) => [a.contentId.replace(/^cid:/i, ''), a]));
  const coveredAttachments = new Set<string>();

  for (const reference of children(signedInfo, XMLDSIG_NS, 'Reference')) {
    const uri = reference.getAttribute('URI') ?? '';
    const method = DIGEST_METHODS[children(reference, XMLDSIG_NS, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? ''];
    if (!method) return failed('SIGNATURE_UNSUPPORTED', `Reference ${uri}: only SHA-256 and SHA-512 digests are accepted.`);
    const expected = (children(reference, XMLDSIG_NS, 'DigestValue')[0]?.textContent ?? '').replace(/\s+/g, '');
    if (uri.startsWith('cid:')) {
      const id = uri.slice(4);
      const attachment = attachmentsById.get(id);
      if (!attachment) return failed('DIGEST_MISMATCH', `The signature covers attachment ${id}, which is not in the package.`);
      if (method !== 'sha256') return failed('SIGNATURE_UNSUPPORTED', `Attachment reference ${uri} must use SHA-256.`);
      if (Buffer.from(attachment.sha256, 'hex').toString('base64') !== expected) return failed('DIGEST_MISMATCH', `Attachment ${id} was altered after signing.`);
      coveredAttachments.add(id);
      continue;
    }
    if (!uri.startsWith('#')) return failed('SIGNATURE_UNSUPPORTED', `Reference URI "${uri}" is not accepted (use #Id or cid:).`);
    const transforms = children(children(reference, XMLDSIG_NS, 'Transforms')[0] ?? reference, XMLDSIG_NS, 'Transform').map((t) => t.getAttribute('Algorithm'));
    if (transforms.some((t) => t !== EXC_C14N)) return failed('SIGNATURE_UNSUPPORTED', `Reference ${uri}: only the exclusive c14n transform is accepted.`);
    const targets = elementsWithId(doc, uri.slice(1));
    // Exactly one element with that Id, and it must be the one the package is read from (no wrapping).
    if (targets.length !== 1 || !required.has(targets[0])) return failed('SIGNATURE_INVALID', `Reference ${uri} does not point at the MessageHeader or Bussiness of this envelope.`);
    if (digest(method, canonical(targets[0])) !== expected) return failed('DIGEST_MISMATCH', `${required.get(targets[0])} was altered after signing.`);
    required.delete(targets[0]);
  }
  if (required.size > 0) return failed('SIGNATURE_INVALID', `The signature does not cover ${[...required.values()].join(' and ')}.`);
  const uncovered = [...attachmentsById.keys()].filter((id) => !coveredAttachments.has(id));
  if (uncovered.length > 0) return failed('DIGEST_MISMATCH', `Attachment ${uncovered.join(', ')} is not covered by the signature (added after signing).`);

  const certificates = children(signature, XMLDSIG_NS, 'KeyInfo')
    .flatMap((k) => children(k, XMLDSIG_NS, 'X509Data'))
    .flatMap((d) => children(d, XMLDSIG_NS, 'X509Certificate'))
    .map((c) => Certificate.from(Buffer.from((c.textContent ?? '').replace(/\s+/g, ''), 'base64')));
  const [leaf, ...extra] = certificates;
  if (!leaf) return failed('SIGNATURE_MALFORMED', 'The signature carries no X509Certificate.');
  const value = Buffer.from((children(signature, XMLDSIG_NS, 'SignatureValue')[0]?.textContent ?? '').replace(/\s+/g, ''), 'base64');
  const signer = signerInfo(leaf);
  if (!verifyBytes(signatureDigest, Buffer.from(canonical(signedInfo), 'utf8'), leaf.native.publicKey, value)) {
    return failed('SIGNATURE_INVALID', `The envelope signature value does not verify with the certificate of ${leaf.subject}.`, { signer });
  }
  const at = options.at ?? new Date();
  const check = options.trustStore.check(leaf, extra, at, options.now ?? new Date());
  if (!check.ok) return failed(check.code!, check.message, { signer, validNow: check.validNow });
  if (options.senderCode !== undefined && !belongsTo(options, options.senderCode, signer)) {
    return failed('SIGNER_NOT_SENDER', `The envelope is signed by ${leaf.subject}, whose certificate is not registered for the sending agency ${options.senderCode}.`, { signer, validAtSigningTime: true, validNow: check.validNow });
  }
  return { ok: true, message: `Envelope signed by ${leaf.subject}.`, signer, validAtSigningTime: true, validNow: check.validNow };
}

function elementsWithId(doc: Document, id: string): Element[] {
  const found: Element[] = [];
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const e = all[i];
    if (e.getAttribute('Id') === id || e.getAttribute('ID') === id || e.getAttribute('id') === id) found.push(e);
  }
  return found;
}

export function signerInfo(cert: Certificate): SignerInfo {
  return { subject: cert.subject, agencyCode: cert.agencyCode, kind: cert.kind, serialNumber: cert.serialNumber, certificatePem: cert.pem };
}
