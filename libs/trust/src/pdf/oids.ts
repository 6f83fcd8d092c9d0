/** The object identifiers of the CMS (RFC 5652), ESS (RFC 2634, 5035) and time-stamp (RFC 3161) structures edx reads and writes. */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  /** ESS signing-certificate (v1: the SHA-1 hash of the signer's certificate). */
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  /** ESS signing-certificate-v2 (any hash, SHA-256 by default). */
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  /** Unsigned attribute: an RFC 3161 token over the SignatureValue. */
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  /** The content type of a time-stamp token's encapsulated TSTInfo. */
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  /** extendedKeyUsage purpose of a time-stamping authority. */
  timeStamping: '1.3.6.1.5.5.7.3.8',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

export type DigestName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export const DIGEST_OID: Readonly<Record<DigestName, string>> = { sha1: OID.sha1, sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 };
