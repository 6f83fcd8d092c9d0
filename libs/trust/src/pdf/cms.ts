import { EdxError } from '@edx/common';
import { BerNode, UNIVERSAL, contentOf, encodingOf, isContext, isUniversal, oidOf, readBer, timeOf } from './ber';
import { OID } from './oids';

/** What an ESS signing-certificate attribute (v1 or v2) says about the signer's certificate. */
export interface EssCertificateId {
  readonly version: 1 | 2;
  /** Digest OID of `certHash` (SHA-1 for v1, SHA-256 unless named for v2). */
  readonly hashAlgorithm: string;
  readonly certHash: Buffer;
  /** The issuer Name (DER) and serial number (hex), when the attribute carries them. */
  readonly issuerSerial?: { readonly issuerName?: Buffer; readonly serialNumber: string };
}

/** The parts of a CMS SignedData (RFC 5652) that verifying a PDF signature, or a time-stamp token, needs. */
export interface CmsSignature {
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: string;
  /** The signed attributes as signed: a DER SET OF (tag 0x31), or undefined when there are none. */
  readonly signedAttributes?: Buffer;
  /** The signed contentType attribute. */
  readonly contentType?: string;
  readonly messageDigest?: Buffer;
  /** The signingTime attribute: what the signer claims, nothing a verifier may rely on. */
  readonly signingTime?: Date;
  /** The first certificate identifier of the ESS signing-certificate(-v2) attribute. */
  readonly signingCertificate?: EssCertificateId;
  readonly signature: Buffer;
  /** The signer as the SignerInfo names it: issuer Name (DER) and serial number (hex), or subject key identifier (hex). */
  readonly signerIssuer?: Buffer;
  readonly signerSerial?: string;
  readonly signerKeyId?: string;
  /** The encapsulated content's type, and its bytes when it is carried (a TSTInfo), not detached. */
  readonly encapsulatedContentType: string;
  readonly encapsulatedContent?: Buffer;
  /** The unsigned id-aa-signatureTimeStampToken values: RFC 3161 tokens (DER ContentInfo). */
  readonly timestampTokens: Buffer[];
  /** Every certificate carried, as its original DER bytes. */
  readonly certificates: Buffer[];
}

const malformed = (what: string) => new EdxError('SIGNATURE_MALFORMED', `The CMS signature cannot be read: ${what}.`);
const algorithm = (node: BerNode | undefined): string => oidOf(node?.children[0]);
/** An INTEGER as hex without leading zeros (how serial numbers are compared). */
const integerHex = (node: BerNode) => contentOf(node).toString('hex').replace(/^0+(?=.)/, '');

/**
 * Reads a CMS ContentInfo holding a SignedData (BER with indefinite lengths included) with edx's own
 * BER reader, without a generic ASN.1 tree or pkijs's schema matching, both of which cost more than
 * the RSA verification on the hot path. Returns its first signer; throws SIGNATURE_MALFORMED when it
 * is not a SignedData or a signed attribute occurs twice.
 */
export function readCmsSignature(der: Buffer): CmsSignature {
  const root = readBer(der);
  const [contentType, explicitContent] = root.children;
  if (oidOf(contentType) !== OID.signedData || !isContext(explicitContent, 0)) throw malformed('it is not a SignedData');
  const signedData = explicitContent!.children[0];
  if (!signedData) throw malformed('the SignedData is empty');
  const fields = signedData.children;
  const encapsulated = fields[2];
  const certificates = fields.find((f) => isContext(f, 0));
  const signerInfos = fields[fields.length - 1];
  const signerInfo = signerInfos?.children[0];
  if (!signerInfo || !encapsulated) throw malformed('it has no signer');
  const eContent = encapsulated.children[1];

  const parts = signerInfo.children;
  let i = 1; // after version
  const sid = parts[i++];
  if (!sid) throw malformed('the signer is not identified');
  let signer: Pick<CmsSignature, 'signerIssuer' | 'signerSerial' | 'signerKeyId'>;
  if (isContext(sid, 0)) signer = { signerKeyId: contentOf(sid).toString('hex') };
  else if (sid.children[0] && isUniversal(sid.children[1], UNIVERSAL.integer)) {
    signer = { signerIssuer: Buffer.from(encodingOf(sid.children[0])), signerSerial: integerHex(sid.children[1]!) };
  } else throw malformed('the signer is not identified');
  const digestAlgorithm = algorithm(parts[i++]);
  let signed: SignedAttributes = {};
  if (isContext(parts[i], 0)) signed = readSignedAttributes(parts[i++]!);
  const signatureAlgorithm = algorithm(parts[i++]);
  const signature = parts[i++];
  if (!isUniversal(signature, UNIVERSAL.octetString)) throw malformed('the signature value is missing');
  const unsigned = isContext(parts[i], 1) ? parts[i]!.children : [];
  return {
    digestAlgorithm,
    signatureAlgorithm,
    ...signed,
    signature: Buffer.from(contentOf(signature!)),
    ...signer,
    encapsulatedContentType: oidOf(encapsulated.children[0]),
    encapsulatedContent: isContext(eContent, 0) && eContent!.children[0] ? Buffer.from(contentOf(eContent!.children[0])) : undefined,
    timestampTokens: unsigned
      .filter((a) => oidOf(a.children[0]) === OID.signatureTimeStampToken)
      .flatMap((a) => (a.children[1]?.children ?? []).map((token) => Buffer.from(encodingOf(token)))),
    certificates: certificates ? certificates.children.map((c) => Buffer.from(encodingOf(c))) : [],
  };
}

const READ_ATTRIBUTES = new Set<string>([OID.contentType, OID.messageDigest, OID.signingTime, OID.signingCertificate, OID.signingCertificateV2]);

type SignedAttributes = Pick<CmsSignature, 'signedAttributes' | 'contentType' | 'messageDigest' | 'signingTime' | 'signingCertificate'>;

function readSignedAttributes(attrs: BerNode): SignedAttributes {
  const signedAttributes = Buffer.from(encodingOf(attrs));
  signedAttributes[0] = 0x31; // signed as a SET OF, travels as [0] IMPLICIT
  const result: { -readonly [K in keyof SignedAttributes]: SignedAttributes[K] } = { signedAttributes };
  const seen = new Set<string>();
  for (const attribute of attrs.children) {
    const [type, values] = attribute.children;
    const name = oidOf(type);
    if (!READ_ATTRIBUTES.has(name)) continue;
    // One value of each: a second messageDigest could make two verifiers see two documents.
    if (seen.has(name) || (values?.children.length ?? 0) !== 1) throw malformed(`the signed attribute ${name} does not occur exactly once with one value`);
    seen.add(name);
    const value = values!.children[0];
    if (name === OID.contentType) result.contentType = oidOf(value);
    else if (name === OID.messageDigest) result.messageDigest = Buffer.from(contentOf(value));
    else if (name === OID.signingTime) result.signingTime = timeOf(value);
    else if (name === OID.signingCertificate || name === OID.signingCertificateV2) {
      if (result.signingCertificate) throw malformed('it has both signing-certificate attributes');
      result.signingCertificate = readEssCertificateId(value, name === OID.signingCertificate ? 1 : 2);
    }
  }
  return result;
}

/** The first ESSCertID(v2) of a SigningCertificate(V2): the signer's certificate (RFC 2634 5.4, RFC 5035 3). */
function readEssCertificateId(value: BerNode, version: 1 | 2): EssCertificateId {
  const first = value.children[0]?.children[0];
  if (!first) throw malformed('the signing-certificate attribute names no certificate');
  const parts = [...first.children];
  let hashAlgorithm: string = version === 1 ? OID.sha1 : OID.sha256;
  if (version === 2 && parts[0] && !isUniversal(parts[0], UNIVERSAL.octetString)) hashAlgorithm = algorithm(parts.shift());
  const certHash = parts[0];
  if (!isUniversal(certHash, UNIVERSAL.octetString)) throw malformed('the signing-certificate attribute has no certificate hash');
  const issuerSerial = parts[1];
  const directoryName = issuerSerial?.children[0]?.children.find((name) => isContext(name, 4));
  return {
    version,
    hashAlgorithm,
    certHash: Buffer.from(contentOf(certHash!)),
    issuerSerial: issuerSerial && isUniversal(issuerSerial.children[1], UNIVERSAL.integer)
      ? { issuerName: directoryName?.children[0] ? Buffer.from(encodingOf(directoryName.children[0])) : undefined, serialNumber: integerHex(issuerSerial.children[1]!) }
      : undefined,
  };
}
