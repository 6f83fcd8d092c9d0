import { KeyObject, verify as verifySignature } from 'node:crypto';
import { EdxError } from '@edx/common';

/** Digest names Node's crypto understands, by the OIDs that appear in certificates, CRLs and CMS. */
const DIGEST_BY_OID: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.2.840.113549.1.1.5': 'sha1', // sha1WithRSAEncryption
  '1.2.840.113549.1.1.11': 'sha256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'sha384',
};

/** Signature OIDs that only name the key type: the digest comes from elsewhere (CMS digestAlgorithm). */
const KEY_ONLY_OIDS = new Set(['1.2.840.113549.1.1.1', '1.2.840.10045.2.1']);

/** Throws SIGNATURE_UNSUPPORTED for an algorithm edx cannot compute (MD5 among them: see algorithm-policy). */
export function digestForOid(oid: string, fallback?: string): string {
  const digest = DIGEST_BY_OID[oid] ?? (KEY_ONLY_OIDS.has(oid) ? fallback : undefined);
  if (!digest) throw new EdxError('SIGNATURE_UNSUPPORTED', `Algorithm ${oid} is not supported.`);
  return digest;
}

export type DigestFamily = 'md2' | 'md4' | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface KnownAlgorithm {
  readonly family: DigestFamily;
  /** How a person recognises it in a message: the name its standard gives. */
  readonly name: string;
}

const known = (family: DigestFamily, name: string): KnownAlgorithm => ({ family, name });

/**
 * Every way a digest shows up, by OID (certificates, CRLs, CMS) and by XML-DSig URI: what the
 * algorithm policy judges. Broader than DIGEST_BY_OID, which lists only what edx computes.
 */
const ALGORITHMS: Readonly<Record<string, KnownAlgorithm>> = {
  '1.2.840.113549.2.2': known('md2', 'MD2'),
  '1.2.840.113549.2.4': known('md4', 'MD4'),
  '1.2.840.113549.2.5': known('md5', 'MD5'),
  '1.2.840.113549.1.1.2': known('md2', 'md2WithRSAEncryption'),
  '1.2.840.113549.1.1.3': known('md4', 'md4WithRSAEncryption'),
  '1.2.840.113549.1.1.4': known('md5', 'md5WithRSAEncryption'),
  '1.3.14.3.2.26': known('sha1', 'SHA-1'),
  '1.2.840.113549.1.1.5': known('sha1', 'sha1WithRSAEncryption'),
  '1.3.14.3.2.29': known('sha1', 'sha1WithRSASignature (OIW)'),
  '1.2.840.10045.4.1': known('sha1', 'ecdsa-with-SHA1'),
  '1.2.840.10040.4.3': known('sha1', 'dsa-with-sha1'),
  '2.16.840.1.101.3.4.2.4': known('sha224', 'SHA-224'),
  '2.16.840.1.101.3.4.2.1': known('sha256', 'SHA-256'),
  '2.16.840.1.101.3.4.2.2': known('sha384', 'SHA-384'),
  '2.16.840.1.101.3.4.2.3': known('sha512', 'SHA-512'),
  '1.2.840.113549.1.1.14': known('sha224', 'sha224WithRSAEncryption'),
  '1.2.840.113549.1.1.11': known('sha256', 'sha256WithRSAEncryption'),
  '1.2.840.113549.1.1.12': known('sha384', 'sha384WithRSAEncryption'),
  '1.2.840.113549.1.1.13': known('sha512', 'sha512WithRSAEncryption'),
  '1.2.840.10045.4.3.2': known('sha256', 'ecdsa-with-SHA256'),
  '1.2.840.10045.4.3.3': known('sha384', 'ecdsa-with-SHA384'),
  '1.2.840.10045.4.3.4': known('sha512', 'ecdsa-with-SHA512'),
  'http://www.w3.org/2001/04/xmldsig-more#md5': known('md5', 'MD5 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmldsig-more#rsa-md5': known('md5', 'RSA-MD5 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmldsig-more#hmac-md5': known('md5', 'HMAC-MD5 (XML-DSig)'),
  'http://www.w3.org/2000/09/xmldsig#sha1': known('sha1', 'SHA-1 (XML-DSig)'),
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': known('sha1', 'RSA-SHA1 (XML-DSig)'),
  'http://www.w3.org/2000/09/xmldsig#dsa-sha1': known('sha1', 'DSA-SHA1 (XML-DSig)'),
  'http://www.w3.org/2000/09/xmldsig#hmac-sha1': known('sha1', 'HMAC-SHA1 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1': known('sha1', 'ECDSA-SHA1 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmlenc#sha256': known('sha256', 'SHA-256 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmldsig-more#sha384': known('sha384', 'SHA-384 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmlenc#sha512': known('sha512', 'SHA-512 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': known('sha256', 'RSA-SHA256 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': known('sha384', 'RSA-SHA384 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': known('sha512', 'RSA-SHA512 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': known('sha256', 'ECDSA-SHA256 (XML-DSig)'),
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': known('sha384', 'ECDSA-SHA384 (XML-DSig)'),
};

/** Plain names as Node, OpenSSL and people write them ("sha1", "SHA-1", "RSA-SHA256", "md5"). */
function byName(name: string): KnownAlgorithm | undefined {
  const plain = name.toLowerCase().replace(/^(rsa|ecdsa|dsa)-?/, '').replace(/-/g, '');
  const family = (['md2', 'md4', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const).find((f) => f === plain);
  return family ? known(family, name) : undefined;
}

/** The digest behind an OID, an XML-DSig URI or a plain name; undefined when edx does not know it. */
export function knownAlgorithm(oidOrName: string): KnownAlgorithm | undefined {
  return ALGORITHMS[oidOrName] ?? byName(oidOrName);
}

/**
 * True when `signature` over `tbs` was made with `publicKey` under the X.509 signature algorithm
 * `algorithmOid` (how CRLs and OCSP responses are signed). False for an algorithm edx does not
 * know, never a throw: the algorithm policy says separately whether a known one is acceptable.
 */
export function isSignatureBy(algorithmOid: string, tbs: Buffer, signature: Buffer, publicKey: KeyObject): boolean {
  const digest = knownAlgorithm(algorithmOid)?.family;
  if (!digest) return false;
  try {
    return verifySignature(digest, tbs, publicKey, signature);
  } catch {
    return false;
  }
}
