import { KeyObject, createHash, sign as signBytes } from 'node:crypto';
import { Certificate } from '../certs/certificate';
import { algorithmIdentifier, explicit, implicitConstructed, integer, octetString, oid, sequence, setOf, tlv } from './der';
import { DIGEST_OID, DigestName, OID } from './oids';
import { x509FieldsOf } from './x509-fields';

/** Who signs a CMS SignedData, and how the SignerInfo names them. */
export interface CmsSigner {
  readonly privateKey: KeyObject;
  readonly certificate: Certificate;
  readonly digest: DigestName;
  /** How the SignerInfo names the signer (default issuer and serial number). */
  readonly identifiedBy?: 'issuer-serial' | 'subject-key-identifier';
}

export interface SignedDataInput {
  readonly signer: CmsSigner;
  /** The content: detached (only its digest is signed, as in a PDF) or carried inside (a TSTInfo). */
  readonly content: { readonly detachedDigest: Buffer } | { readonly type: string; readonly bytes: Buffer };
  /** Signed attributes besides contentType and messageDigest, each a DER Attribute. */
  readonly signedAttributes?: readonly Buffer[];
  /** The certificates to carry, in this order. */
  readonly certificates: readonly Certificate[];
  /** Unsigned attributes computed from the signature value (an RFC 3161 token over it). */
  readonly unsignedAttributes?: (signatureValue: Buffer) => readonly Buffer[];
}

/** A DER Attribute: SEQUENCE { type, SET OF values }. */
export const attribute = (type: string, ...values: Buffer[]): Buffer => sequence(oid(type), setOf(...values));

/**
 * ESS signing-certificate-v2 (RFC 5035) naming `certificate` by its hash (SHA-256 unless told) and
 * its issuer and serial; version 1 (RFC 2634) always uses SHA-1.
 */
export function signingCertificateAttribute(certificate: Certificate, version: 1 | 2 = 2, digest: DigestName = 'sha256'): Buffer {
  const fields = x509FieldsOf(certificate);
  const issuerSerial = sequence(sequence(explicit(4, fields.issuerName)), fields.serialNumber);
  if (version === 1) {
    return attribute(OID.signingCertificate, sequence(sequence(sequence(octetString(createHash('sha1').update(certificate.der).digest()), issuerSerial))));
  }
  // hashAlgorithm DEFAULT sha256: DER leaves a default out.
  const algorithm = digest === 'sha256' ? [] : [algorithmIdentifier(DIGEST_OID[digest], false)];
  const hash = createHash(digest).update(certificate.der).digest();
  return attribute(OID.signingCertificateV2, sequence(sequence(sequence(...algorithm, octetString(hash), issuerSerial))));
}

function signatureAlgorithmOf(key: KeyObject): Buffer {
  return key.asymmetricKeyType === 'ec' ? algorithmIdentifier(OID.ecdsaWithSha256, false) : algorithmIdentifier(OID.rsaEncryption);
}

function signerIdentifierOf(signer: CmsSigner): { version: number; sid: Buffer } {
  const ski = signer.certificate.subjectKeyIdentifier;
  if (signer.identifiedBy === 'subject-key-identifier' && ski) return { version: 3, sid: tlv(0x80, Buffer.from(ski, 'hex')) };
  const fields = x509FieldsOf(signer.certificate);
  return { version: 1, sid: sequence(fields.issuerName, fields.serialNumber) };
}

/**
 * Writes a CMS ContentInfo holding a SignedData with one signer (RFC 5652), signed over its DER
 * signed attributes with Node's crypto. Returns the DER bytes.
 */
export function writeSignedData(input: SignedDataInput): Buffer {
  const { signer } = input;
  const contentType = 'detachedDigest' in input.content ? OID.data : input.content.type;
  const contentDigest = 'detachedDigest' in input.content ? input.content.detachedDigest : createHash(signer.digest).update(input.content.bytes).digest();
  const signedAttributes = setOf(
    attribute(OID.contentType, oid(contentType)),
    attribute(OID.messageDigest, octetString(contentDigest)),
    ...(input.signedAttributes ?? []),
  );
  const signatureValue = signBytes(signer.digest, signedAttributes, signer.privateKey);
  const unsigned = input.unsignedAttributes?.(signatureValue) ?? [];
  const { version, sid } = signerIdentifierOf(signer);
  const digestAlgorithm = algorithmIdentifier(DIGEST_OID[signer.digest]);
  const signerInfo = sequence(
    integer(version),
    sid,
    digestAlgorithm,
    implicitConstructed(0, signedAttributes),
    signatureAlgorithmOf(signer.privateKey),
    octetString(signatureValue),
    ...(unsigned.length ? [implicitConstructed(1, setOf(...unsigned))] : []),
  );
  const encapsulated = 'bytes' in input.content ? sequence(oid(contentType), explicit(0, octetString(input.content.bytes))) : sequence(oid(contentType));
  const signedData = sequence(
    integer(version === 3 || contentType !== OID.data ? 3 : 1),
    setOf(digestAlgorithm),
    encapsulated,
    tlv(0xa0, ...input.certificates.map((c) => c.der)),
    setOf(signerInfo),
  );
  return sequence(oid(OID.signedData), explicit(0, signedData));
}
