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

export function digestForOid(oid: string, fallback?: string): string {
  const digest = DIGEST_BY_OID[oid] ?? (KEY_ONLY_OIDS.has(oid) ? fallback : undefined);
  if (!digest) throw new EdxError('SIGNATURE_UNSUPPORTED', `Algorithm ${oid} is not supported.`);
  return digest;
}
