import { createHash } from 'node:crypto';
import { Certificate } from '../certs/certificate';
import { digestForOid } from '../certs/signature-algorithms';
import { CmsSignature } from './cms';
import { x509FieldsOf } from './x509-fields';

/**
 * The certificate a SignerInfo names: by issuer Name (DER-equal) and serial number together, or by
 * subject key identifier (RFC 5652 5.3). A serial number alone names nothing: a CA and the leaf it
 * issued often share one. Undefined when no candidate matches.
 */
export function findSignerCertificate(cms: CmsSignature, candidates: readonly Certificate[]): Certificate | undefined {
  if (cms.signerKeyId !== undefined) return candidates.find((c) => c.subjectKeyIdentifier === cms.signerKeyId);
  if (cms.signerSerial === undefined || !cms.signerIssuer) return undefined;
  return candidates.find((c) => c.serialNumber === cms.signerSerial && x509FieldsOf(c).issuerName.equals(cms.signerIssuer!));
}

/**
 * Why the ESS signing-certificate(-v2) attribute does not name `certificate` (its hash, and its
 * issuer and serial when given), or undefined when it does or there is no such attribute. The
 * attribute is signed, so it binds the signature to one certificate (RFC 2634 5.4, RFC 5035).
 */
export function signingCertificateMismatch(cms: CmsSignature, certificate: Certificate): string | undefined {
  const named = cms.signingCertificate;
  if (!named) return undefined;
  const attribute = named.version === 1 ? 'signing-certificate' : 'signing-certificate-v2';
  const hash = certificateHash(certificate, digestForOid(named.hashAlgorithm));
  if (!hash.equals(named.certHash)) return `its signed ${attribute} attribute names another certificate than the one that verifies it (${certificate.subject})`;
  const issuerSerial = named.issuerSerial;
  if (issuerSerial && (issuerSerial.serialNumber !== certificate.serialNumber || (issuerSerial.issuerName && !issuerSerial.issuerName.equals(x509FieldsOf(certificate).issuerName)))) {
    return `its signed ${attribute} attribute names another issuer or serial number than the certificate of ${certificate.subject}`;
  }
  return undefined;
}

const hashes = new WeakMap<Certificate, Map<string, Buffer>>();

/** The certificate's hash with `digest`, computed once per certificate (every verification needs it). */
function certificateHash(certificate: Certificate, digest: string): Buffer {
  let byDigest = hashes.get(certificate);
  if (!byDigest) hashes.set(certificate, (byDigest = new Map()));
  let hash = byDigest.get(digest);
  if (!hash) byDigest.set(digest, (hash = createHash(digest).update(certificate.der).digest()));
  return hash;
}
