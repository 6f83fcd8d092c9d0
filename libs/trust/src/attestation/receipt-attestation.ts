import { createHash } from 'node:crypto';
import { EdxError } from '@edx/common';
import { SigningIdentity } from '../certs/identity';
import { TrustStore } from '../certs/trust-store';
import type { RevocationAnswer } from '../revocation/revocation-source';
import { openJws, signJws } from './jws';

/**
 * What the hub attests when it accepts a package: these exact bytes (the package as it delivers it,
 * with its TraceHeader hop) were verified at `receivedAt`, with this verdict. The receiving gateway
 * judges the package's signatures at that time, and anyone can later prove the document was valid
 * when it arrived: a signer's claimed signing time is never what decides.
 */
export interface ReceiptAttestation {
  readonly packageId: string;
  /** SHA-256 (hex) of the delivered package bytes. */
  readonly sha256: string;
  /** ISO 8601, the hub's clock when it verified the package. */
  readonly receivedAt: string;
  readonly verdict: 'valid';
  /** Who signed what, as the hub judged it: the envelope signer and each PDF signature. */
  readonly signatures: ReadonlyArray<{
    readonly what: string;
    readonly signer: string;
    readonly serialNumber: string;
    /** The revocation answers the hub judged the signer's chain with (source, status, validity), leaf first. */
    readonly revocation?: readonly RevocationAnswer[];
  }>;
  /** The hub's identity (its certificate's agency code). */
  readonly attestedBy: string;
}

/** The AMQP header a delivered package carries its receipt attestation in. */
export const RECEIPT_ATTESTATION_HEADER = 'x-edx-receipt-attestation';

/**
 * Signs an attestation as a JWS compact serialization (RFC 7515: RS256, the signing certificate in
 * `x5c`), so any JOSE tool can check it offline. Returns the token.
 */
export function signReceiptAttestation(attestation: ReceiptAttestation, identity: SigningIdentity): string {
  return signJws(attestation, 'edx-receipt+jwt', identity);
}

export interface AttestationCheck {
  /** The package bytes as received, the message id they came under and the hub's expected code. */
  readonly body: Buffer;
  readonly packageId: string;
  readonly hubCode: string;
  readonly trustStore: TrustStore;
  readonly now?: Date;
  /** How far the hub's clock may run ahead of the verifier's (default 5 minutes). */
  readonly clockSkewMs?: number;
}

const refused = (message: string) => new EdxError('ATTESTATION_INVALID', message);

/**
 * Reads and checks a receipt attestation: its signature, the hub's certificate (chains to the
 * anchors now, issued for `hubCode`), and that it is about these exact bytes under this package id
 * and not dated in the future. Returns it; throws ATTESTATION_INVALID saying what is wrong.
 */
export function verifyReceiptAttestation(token: string | undefined, check: AttestationCheck): ReceiptAttestation {
  if (!token) throw refused('The package arrived without the hub\'s signed receipt attestation.');
  const { payload: attestation, certificate } = openJws<ReceiptAttestation>(token, 'receipt attestation', 'ATTESTATION_INVALID');
  if (certificate.agencyCode !== check.hubCode) throw refused(`The receipt attestation is signed by ${certificate.subject}, not by the hub ${check.hubCode}.`);
  const now = check.now ?? new Date();
  const trusted = check.trustStore.check(certificate, [], now, now);
  if (!trusted.ok) throw refused(`The hub's attestation certificate is refused: ${trusted.code}: ${trusted.message}`);
  if (attestation.packageId !== check.packageId) throw refused(`The receipt attestation is about package ${attestation.packageId}, not ${check.packageId}.`);
  if (attestation.sha256 !== createHash('sha256').update(check.body).digest('hex')) throw refused('The receipt attestation is about other bytes than the package that arrived.');
  const receivedAt = new Date(attestation.receivedAt);
  if (Number.isNaN(receivedAt.getTime())) throw refused('The receipt attestation carries no receipt time.');
  if (receivedAt.getTime() > now.getTime() + (check.clockSkewMs ?? 5 * 60_000)) throw refused(`The receipt attestation is dated ${attestation.receivedAt}, in the future.`);
  return attestation;
}
