import { createHash, verify as verifyBytes } from 'node:crypto';
import { EdxError } from '@edx/common';
import { Certificate } from '../certs/certificate';
import { digestForOid } from '../certs/signature-algorithms';
import { TrustStore } from '../certs/trust-store';
import { UNIVERSAL, contentOf, isUniversal, oidOf, readBer, timeOf } from './ber';
import { CmsSignature, readCmsSignature } from './cms';
import { OID } from './oids';
import { findSignerCertificate, signingCertificateMismatch } from './signer-certificate';
import { x509FieldsOf } from './x509-fields';

/** What a time-stamp token proves: that the stamped bytes existed at genTime, in the word of a trusted TSA. */
export type TimestampVerdict =
  | { readonly trusted: true; readonly genTime: Date; readonly authority: string }
  | { readonly trusted: false; readonly reason: string };

/** The parts of a TSTInfo (RFC 3161 2.4.2) a verifier needs. */
interface TstInfo {
  readonly imprintAlgorithm: string;
  readonly imprint: Buffer;
  readonly genTime: Date;
}

const refused = (reason: string): TimestampVerdict => ({ trusted: false, reason });

/**
 * Checks an RFC 3161 signature time-stamp token (the unsigned attribute id-aa-signatureTimeStampToken)
 * for the signature whose SignatureValue is `signatureValue`: the token is a SignedData over a TSTInfo,
 * signed by a certificate with the critical extendedKeyUsage timeStamping that chains to `tsaTrust`,
 * and its messageImprint is the hash of this very SignatureValue. The TSA certificate is checked at
 * the verifier's time `at`, not at genTime: a TSA key revoked after a compromise could otherwise stamp
 * any earlier time. Never throws: a token that does not hold says why.
 */
export function verifySignatureTimestamp(token: Buffer, signatureValue: Buffer, tsaTrust: TrustStore, at: Date, now: Date): TimestampVerdict {
  let cms: CmsSignature;
  let info: TstInfo;
  try {
    cms = readCmsSignature(token);
    if (cms.encapsulatedContentType !== OID.tstInfo || !cms.encapsulatedContent) return refused('it does not hold a TSTInfo');
    info = readTstInfo(cms.encapsulatedContent);
    const expected = createHash(digestForOid(info.imprintAlgorithm)).update(signatureValue).digest();
    if (!expected.equals(info.imprint)) return refused('its message imprint is not the hash of this signature value');
  } catch (error) {
    return refused(`it cannot be read (${(error as Error).message})`);
  }

  const carried = cms.certificates.map((der) => Certificate.from(der));
  const authority = findSignerCertificate(cms, [...carried, ...tsaTrust.intermediates, ...tsaTrust.anchors]);
  if (!authority) return refused('the TSA certificate is not in the token');
  const signatureProblem = tokenSignatureProblem(cms, authority);
  if (signatureProblem) return refused(signatureProblem);
  const usage = x509FieldsOf(authority).extendedKeyUsage;
  if (!usage || !usage.critical || usage.purposes.length !== 1 || usage.purposes[0] !== OID.timeStamping) {
    return refused(`the certificate of ${authority.subject} is not a time-stamping authority's (RFC 3161 wants the critical extendedKeyUsage timeStamping alone)`);
  }
  const check = tsaTrust.check(authority, carried.filter((c) => c !== authority), at, now);
  if (!check.ok) return refused(`the TSA is not trusted: ${check.message}`);
  if (info.genTime < authority.notBefore) return refused(`it claims ${info.genTime.toISOString()}, before the TSA certificate was issued`);
  return { trusted: true, genTime: info.genTime, authority: authority.subject };
}

/** Why the token's own CMS signature does not hold, or undefined. */
function tokenSignatureProblem(cms: CmsSignature, authority: Certificate): string | undefined {
  if (cms.signatureAlgorithm === OID.rsaPss) return 'it is signed with RSASSA-PSS, which edx does not verify';
  if (!cms.signedAttributes || !cms.messageDigest) return 'it has no signed attributes';
  if (cms.contentType !== OID.tstInfo) return 'its signed content type is not TSTInfo';
  // RFC 3161 2.4.1: the TSA binds its certificate with the ESS signing-certificate attribute.
  if (!cms.signingCertificate) return 'it has no signing-certificate attribute';
  const mismatch = signingCertificateMismatch(cms, authority);
  if (mismatch) return mismatch;
  try {
    const digest = digestForOid(cms.digestAlgorithm);
    if (!createHash(digest).update(cms.encapsulatedContent!).digest().equals(cms.messageDigest)) return 'its TSTInfo was altered after the TSA signed it';
    if (!verifyBytes(digest, cms.signedAttributes, authority.native.publicKey, cms.signature)) return `its signature does not verify with the certificate of ${authority.subject}`;
  } catch (error) {
    return `its signature cannot be checked (${(error as Error).message})`;
  }
  return undefined;
}

function readTstInfo(der: Buffer): TstInfo {
  const [version, policy, messageImprint, serial, genTime] = readBer(der).children;
  const [algorithm, hashed] = messageImprint?.children ?? [];
  const at = timeOf(genTime);
  if (!isUniversal(version, UNIVERSAL.integer) || !policy || !isUniversal(serial, UNIVERSAL.integer) || !isUniversal(hashed, UNIVERSAL.octetString) || !at) {
    throw new EdxError('SIGNATURE_MALFORMED', 'the TSTInfo lacks a field RFC 3161 requires');
  }
  return { imprintAlgorithm: oidOf(algorithm?.children[0]), imprint: Buffer.from(contentOf(hashed!)), genTime: at };
}
