import { EdxError } from '@edx/common';
import { SigningIdentity } from './identity';
import { TrustStore } from './trust-store';

/**
 * A service that signs what nobody will accept must not run quietly. Checks a service's own signing
 * identity as its verifiers will: the certificate chains to `store` now, may sign, and names
 * `expectedCode` (the agency code or the hub's id in its subject UID). Throws CERT_OWN_REFUSED naming
 * the certificate, the reason and `fix`.
 */
export function assertOwnCertificateAccepted(
  identity: SigningIdentity,
  store: TrustStore,
  expectedCode: string,
  options: { readonly who: string; readonly fix: string; readonly now?: Date },
): void {
  const cert = identity.certificate;
  const named = `${options.who}'s signing certificate (${cert.subject}, serial ${cert.serialNumber})`;
  if (cert.agencyCode !== expectedCode) {
    throw new EdxError('CERT_OWN_REFUSED', `${named} is issued for "${cert.agencyCode ?? 'no code'}", not for ${expectedCode}. ${options.fix}`, {
      subject: cert.subject,
      expectedCode,
    });
  }
  const now = options.now ?? new Date();
  const check = store.check(cert, identity.chain, now, now);
  if (!check.ok) {
    throw new EdxError('CERT_OWN_REFUSED', `${named} would be refused: ${check.code}: ${check.message} ${options.fix}`, {
      subject: cert.subject,
      reason: check.code,
    });
  }
}
