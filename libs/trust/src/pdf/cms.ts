import * as asn1js from 'asn1js';
import { EdxError } from '@edx/common';

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

type Block = asn1js.AsnType & { idBlock: { tagClass: number; tagNumber: number; isConstructed: boolean }; valueBeforeDecodeView: Uint8Array };

const malformed = (what: string) => new EdxError('SIGNATURE_MALFORMED', `The CMS signature cannot be read: ${what}.`);
const children = (block: Block): Block[] => ((block as unknown as { valueBlock: { value?: Block[] } }).valueBlock.value ?? []) as Block[];
const isContext = (block: Block | undefined, n: number) => block?.idBlock.tagClass === 3 && block.idBlock.tagNumber === n;
const oid = (block: Block | undefined): string => {
  if (!(block instanceof asn1js.ObjectIdentifier)) throw malformed('an algorithm or type identifier is missing');
  return block.valueBlock.toString();
};
const algorithm = (block: Block | undefined): string => oid(children(block as Block)[0]);
const bytesOf = (block: Block): Buffer => {
  const hex = (block as unknown as { valueBlock: { valueHexView?: Uint8Array } }).valueBlock.valueHexView;
  // An OCTET STRING may arrive constructed (BER): join its pieces.
  return hex && hex.length > 0 ? Buffer.from(hex) : Buffer.concat(children(block).map(bytesOf));
};
const hexOf = (block: Block) => bytesOf(block).toString('hex').replace(/^0+(?=.)/, '');

/**
 * Reads a CMS ContentInfo holding a SignedData straight from asn1js's BER tree (BER with indefinite
 * lengths included), without pkijs's schema matching, which costs several times the RSA verification
 * on the hub's hot path. Throws SIGNATURE_MALFORMED when the structure is not a SignedData.
 */
export function readCmsSignature(der: Buffer): CmsSignature {
  const parsed = asn1js.fromBER(new Uint8Array(der.buffer, der.byteOffset, der.length));
  if (parsed.offset === -1) throw malformed(parsed.result.error || 'not BER');
  const [contentType, explicitContent] = children(parsed.result as Block);
  if (oid(contentType) !== OID_SIGNED_DATA) throw malformed('it is not a SignedData');
  const signedData = children(explicitContent)[0];
  if (!signedData) throw malformed('the SignedData is empty');
  const fields = children(signedData);
  const certificates = fields.find((f) => isContext(f, 0));
  const signerInfos = fields[fields.length - 1];
  const signerInfo = children(signerInfos)[0];
  if (!signerInfo) throw malformed('it has no signer');

  const parts = children(signerInfo);
  let i = 1; // after version
  const sid = parts[i++];
  let signerSerial: string | undefined;
  let signerKeyId: string | undefined;
  if (isContext(sid, 0)) signerKeyId = hexOf(sid);
  else signerSerial = hexOf(children(sid)[1]);
  const digestAlgorithm = algorithm(parts[i++]);
  let signedAttributes: Buffer | undefined;
  let messageDigest: Buffer | undefined;
  let signingTime: Date | undefined;
  if (isContext(parts[i], 0)) {
    const attrs = parts[i++];
    signedAttributes = Buffer.from(attrs.valueBeforeDecodeView);
    signedAttributes[0] = 0x31; // signed as a SET OF, travels as [0] IMPLICIT
    for (const attribute of children(attrs)) {
      const [type, values] = children(attribute);
      const value = children(values)[0];
      const name = oid(type);
      if (name === OID_MESSAGE_DIGEST) messageDigest = bytesOf(value);
      else if (name === OID_SIGNING_TIME && (value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime)) signingTime = value.toDate();
    }
  }
  const signatureAlgorithm = algorithm(parts[i++]);
  const signature = parts[i];
  if (!signature) throw malformed('the signature value is missing');
  return {
    digestAlgorithm,
    signatureAlgorithm,
    signedAttributes,
    messageDigest,
    signingTime,
    signature: bytesOf(signature),
    signerSerial,
    signerKeyId,
    certificates: certificates ? children(certificates).map((c) => Buffer.from(c.valueBeforeDecodeView)) : [],
  };
}
