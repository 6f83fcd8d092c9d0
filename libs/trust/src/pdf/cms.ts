import { EdxError } from '@edx/common';
import { BerNode, UNIVERSAL, contentOf, encodingOf, isContext, isUniversal, oidOf, readBer, timeOf } from './ber';

/** The parts of a CMS SignedData (RFC 5652) that verifying a detached PDF signature needs. */
export interface CmsSignature {
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: string;
  /** The signed attributes as signed: a DER SET OF (tag 0x31), or undefined when there are none. */
  readonly signedAttributes?: Buffer;
  readonly messageDigest?: Buffer;
  readonly signingTime?: Date;
  readonly signature: Buffer;
  /** The signer: issuer serial number (hex) or subject key identifier (hex). */
  readonly signerSerial?: string;
  readonly signerKeyId?: string;
  /** Every certificate carried, as its original DER bytes. */
  readonly certificates: Buffer[];
}

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';

const malformed = (what: string) => new EdxError('SIGNATURE_MALFORMED', `The CMS signature cannot be read: ${what}.`);
const algorithm = (node: BerNode | undefined): string => oidOf(node?.children[0]);
const hexOf = (node: BerNode) => contentOf(node).toString('hex').replace(/^0+(?=.)/, '');

/**
 * Reads a CMS ContentInfo holding a SignedData (BER with indefinite lengths included) with edx's own
 * BER reader, without a generic ASN.1 tree or pkijs's schema matching, both of which cost more than
 * the RSA verification on the hot path. Throws SIGNATURE_MALFORMED when it is not a SignedData.
 */
export function readCmsSignature(der: Buffer): CmsSignature {
  const root = readBer(der);
  const [contentType, explicitContent] = root.children;
  if (oidOf(contentType) !== OID_SIGNED_DATA || !isContext(explicitContent, 0)) throw malformed('it is not a SignedData');
  const signedData = explicitContent!.children[0];
  if (!signedData) throw malformed('the SignedData is empty');
  const fields = signedData.children;
  const certificates = fields.find((f) => isContext(f, 0));
  const signerInfos = fields[fields.length - 1];
  const signerInfo = signerInfos?.children[0];
  if (!signerInfo) throw malformed('it has no signer');

  const parts = signerInfo.children;
  let i = 1; // after version
  const sid = parts[i++];
  if (!sid) throw malformed('the signer is not identified');
  let signerSerial: string | undefined;
  let signerKeyId: string | undefined;
  if (isContext(sid, 0)) signerKeyId = hexOf(sid);
  else if (isUniversal(sid.children[1], UNIVERSAL.integer)) signerSerial = hexOf(sid.children[1]!);
  else throw malformed('the signer is not identified');
  const digestAlgorithm = algorithm(parts[i++]);
  let signedAttributes: Buffer | undefined;
  let messageDigest: Buffer | undefined;
  let signingTime: Date | undefined;
  if (isContext(parts[i], 0)) {
    const attrs = parts[i++]!;
    signedAttributes = Buffer.from(encodingOf(attrs));
    signedAttributes[0] = 0x31; // signed as a SET OF, travels as [0] IMPLICIT
    for (const attribute of attrs.children) {
      const [type, values] = attribute.children;
      const value = values?.children[0];
      const name = oidOf(type);
      if (name === OID_MESSAGE_DIGEST && value) messageDigest = Buffer.from(contentOf(value));
      else if (name === OID_SIGNING_TIME) signingTime = timeOf(value);
    }
  }
  const signatureAlgorithm = algorithm(parts[i++]);
  const signature = parts[i];
  if (!isUniversal(signature, UNIVERSAL.octetString)) throw malformed('the signature value is missing');
  return {
    digestAlgorithm,
    signatureAlgorithm,
    signedAttributes,
    messageDigest,
    signingTime,
    signature: Buffer.from(contentOf(signature!)),
    signerSerial,
    signerKeyId,
    certificates: certificates ? certificates.children.map((c) => Buffer.from(encodingOf(c))) : [],
  };
}
