import { EdxError } from '@edx/common';
import { Certificate, TrustStore } from '@edx/trust';

/**
 * What a signing certificate must be to be registered for an agency: the hub would refuse anything
 * else on every package, so the console refuses it at the door instead. It must name the agency
 * (its subject UID), be allowed to sign, and chain now to the registered anchors and intermediates
 * (valid today, not revoked by a registered CRL, CA constraints and algorithms as the hub checks them).
 * Throws CERT_NOT_FOR_AGENCY, CERT_KEY_USAGE or the trust store's own verdict (CERT_UNTRUSTED,
 * CERT_EXPIRED, CERT_NOT_YET_VALID, CERT_REVOKED, CERT_CHAIN_INVALID, SIGNATURE_ALGORITHM_WEAK, CRL_STALE).
 */
export function assertRegistrable(cert: Certificate, agencyCode: string, trust: TrustStore, now: Date): void {
  const named = `The certificate ${cert.subject} (serial ${cert.serialNumber})`;
  if (cert.agencyCode !== agencyCode) {
    throw new EdxError('CERT_NOT_FOR_AGENCY', `${named} is issued for ${cert.agencyCode ? `agency ${cert.agencyCode}` : 'no agency (its subject has no UID)'}, not for ${agencyCode}; issue one whose subject UID is ${agencyCode}.`, {
      agencyCode, certificateCode: cert.agencyCode ?? null,
    });
  }
  if (!cert.canSign) {
    const why = cert.canSign === undefined ? 'has no KeyUsage extension' : 'has a KeyUsage with neither digitalSignature nor nonRepudiation';
    throw new EdxError('CERT_KEY_USAGE', `${named} ${why}, so it may not sign; issue one for signing.`, { agencyCode });
  }
  const check = trust.check(cert, [], now, now);
  if (!check.ok) {
    throw new EdxError(check.code ?? 'CERT_UNTRUSTED', `${named} cannot be registered for ${agencyCode}: ${check.message} Register its CA (POST /v1/trust/anchors or intermediates) or issue a valid one.`, { agencyCode });
  }
}
