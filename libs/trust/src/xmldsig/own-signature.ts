import { randomUUID } from 'node:crypto';
import { EdxError } from '@edx/common';
import { buildStatus, parseEdxml } from '@edx/edxml';
import { SigningIdentity } from '../certs/identity';
import { assertOwnCertificateAccepted } from '../certs/own-certificate';
import { TrustStore } from '../certs/trust-store';
import { verifyEnvelope } from './envelope-verification';
import { writeSignedStatus } from './package-signing';

/**
 * A service's start-up self-test of its signing, which warms that path too: checks the certificate
 * as `assertOwnCertificateAccepted` does, then signs a status as `identity`, reads it back with the
 * edXML parser and verifies its envelope against `store` as a verifier would (canonical form,
 * digests, the RSA value, the chain, the sender's code). A key that does not belong to its
 * certificate, or a signer and verifier that disagree, stop the service here instead of at its first
 * document, and that first document no longer pays for loading and compiling the signing path.
 * Returns the milliseconds the round trip took; throws CERT_OWN_REFUSED.
 */
export function assertOwnSignatureAccepted(
  identity: SigningIdentity,
  store: TrustStore,
  expectedCode: string,
  options: { readonly who: string; readonly fix: string; readonly now?: Date },
): number {
  assertOwnCertificateAccepted(identity, store, expectedCode, options);
  const started = performance.now();
  const now = options.now ?? new Date();
  const packageId = randomUUID();
  const messageId = randomUUID();
  const status = buildStatus({
    from: expectedCode,
    responseFor: { organId: expectedCode, code: '1/SELF-TEST', promulgationDate: '', documentId: `${expectedCode},self-test` },
    statusCode: '01',
    description: 'start-up self-test',
    at: now,
  });
  const parsed = parseEdxml(writeSignedStatus(status, identity, messageId, packageId));
  const verdict = verifyEnvelope(parsed, { trustStore: store, messageId, aboutPackageId: packageId, senderCode: expectedCode, at: now, now });
  if (!verdict.ok) {
    const cert = identity.certificate;
    throw new EdxError('CERT_OWN_REFUSED', `${options.who}'s signatures (${cert.subject}, serial ${cert.serialNumber}) would be refused: ${verdict.code}: ${verdict.message} ${options.fix}`, {
      subject: cert.subject,
      reason: verdict.code,
    });
  }
  return performance.now() - started;
}
