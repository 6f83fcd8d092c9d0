import { verify as verifyBytes } from 'node:crypto';
import type { ParsedEdxml } from '@edx/edxml';
import { EdxError } from '@edx/common';
import { Certificate } from '../certs/certificate';
import { SignatureVerdict, VerifyOptions, belongsTo, failed, signerInfo } from '../verdict';
import { CANONICALIZATIONS, SIGNATURE_METHODS } from './algorithms';
import { differenceFromSigned } from './attachment-coverage';
import { XMLDSIG_NS, canonical, children, firstProcessingInstruction, headerOf, parseEnvelope, signedParts } from './envelope-dom';
import { placeholderReason } from './placeholder';
import { readSignedObject } from './signed-object';
import { referencesFailure } from './signed-references';

export interface EnvelopeVerifyOptions extends VerifyOptions {
  /**
   * The id the document travels under, which the signature must bind: the AMQP message id (the
   * package id of a package, the message id of a status). null only where nobody knows it (offline
   * `edx verify` without --package-id): the signed id is then reported, not checked.
   */
  readonly messageId: string | null;
  /**
   * For a status: the package id it is filed under (the document it answers), which the signature
   * must bind too. null or absent: the signed package id is reported, not checked.
   */
  readonly aboutPackageId?: string | null;
}

export interface EnvelopeVerdict extends SignatureVerdict {
  /**
   * When the certificate was judged: `options.at`, the verifier's provable time (default now). The
   * envelope carries no signing time: `signingTime` is never set.
   */
  readonly judgedAt: Date;
  /** The certificate was valid, and not revoked, at `judgedAt` (as for a PDF; `validAtSigningTime` says the same until verdict.ts renames it). */
  readonly validAtJudgedTime: boolean;
  /** The package id (or status message id) the signature binds; set once the signature value verified. */
  readonly signedId?: string;
  /** For a status: the package id of the document it answers, as signed; set once the signature value verified. */
  readonly signedPackageId?: string;
}

type UntimedVerdict = Omit<EnvelopeVerdict, 'judgedAt' | 'validAtJudgedTime'>;

const judged = (verdict: UntimedVerdict, judgedAt: Date): EnvelopeVerdict => ({ ...verdict, judgedAt, validAtJudgedTime: verdict.validAtSigningTime });

/**
 * Verifies the envelope signature of a parsed edXML document: every Reference digest (MessageHeader,
 * Bussiness, the edx object, each attachment), that the edx object names exactly the manifest and
 * attachments the parser read, in order, the signature value, that it binds `options.messageId`, the
 * signer's certificate chain at `options.at` and that it belongs to the sender. Never throws for bad
 * input: the verdict says what is wrong.
 */
export function verifyEnvelope(parsed: ParsedEdxml, options: EnvelopeVerifyOptions): EnvelopeVerdict {
  const judgedAt = options.at ?? new Date();
  try {
    return judged(verifyOrThrow(parsed, options, judgedAt), judgedAt);
  } catch (error) {
    if (error instanceof EdxError) return judged(failed(error.code, error.message), judgedAt);
    return judged(failed('SIGNATURE_MALFORMED', `The envelope signature cannot be read: ${(error as Error).message}`), judgedAt);
  }
}

function verifyOrThrow(parsed: ParsedEdxml, options: EnvelopeVerifyOptions, at: Date): UntimedVerdict {
  // The parser's own tree of the envelope; parsing its text again only for a ParsedEdxml made without one.
  const doc = parsed.envelopeDocument ?? parseEnvelope(parsed.envelopeXml);
  const instruction = firstProcessingInstruction(doc);
  if (instruction) {
    return failed('SIGNATURE_MALFORMED', `The envelope holds a processing instruction (<?${instruction.target.slice(0, 40)} ...?>): edXML has none, and the canonical form the signature is checked in cannot tell one from text.`);
  }
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
  const signed = readSignedObject(signature, parsed.kind);
  const required = new Map<Element, string>([[messageHeader, 'MessageHeader'], [signed.element, `the signed ${parsed.kind} object`]]);
  if (business) required.set(business, 'Bussiness');
  const attachments = parsed.kind === 'package' ? parsed.attachments : [];
  const references = referencesFailure(doc, signedInfo, required, attachments);
  if (references) return references;
  if (parsed.kind === 'package' && signed.content.kind === 'package') {
    const difference = differenceFromSigned(signed.content.attachments, parsed.package.references, parsed.attachments);
    if (difference) return failed('DIGEST_MISMATCH', difference);
  }

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
  const signedId = signed.content.id;
  const ids = signed.content.kind === 'status' ? { signedId, signedPackageId: signed.content.packageId } : { signedId };
  if (options.messageId !== null && signedId !== options.messageId) {
    const what = parsed.kind === 'package' ? 'package' : 'status message';
    return { ...failed('SIGNATURE_PACKAGE_ID_MISMATCH', `The envelope is signed for ${what} ${signedId} but travels as ${options.messageId}: a signed ${what} cannot be re-published under another id.`, { signer }), ...ids };
  }
  if (signed.content.kind === 'status' && options.aboutPackageId != null && signed.content.packageId !== options.aboutPackageId) {
    return {
      ...failed('SIGNATURE_PACKAGE_ID_MISMATCH', `The status is signed as an answer about package ${signed.content.packageId} but is filed under package ${options.aboutPackageId}: a status cannot be pointed at another document.`, { signer }),
      ...ids,
    };
  }
  const check = options.trustStore.check(leaf, extra, at, options.now ?? new Date());
  const revocation = check.revocation;
  if (!check.ok) return { ...failed(check.code!, check.message, { signer, validNow: check.validNow, revocation }), ...ids };
  if (options.senderCode !== undefined && !belongsTo(options, options.senderCode, signer)) {
    return { ...failed('SIGNER_NOT_SENDER', `The envelope is signed by ${leaf.subject}, whose certificate is not registered for the sending agency ${options.senderCode}.`, { signer, validAtSigningTime: true, validNow: check.validNow, revocation }), ...ids };
  }
  return { ok: true, message: `Envelope signed by ${leaf.subject} for ${parsed.kind} ${signedId}.`, signer, validAtSigningTime: true, validNow: check.validNow, revocation, ...ids };
}
