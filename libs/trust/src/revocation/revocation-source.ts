import type { Certificate } from '../certs/certificate';
import type { RevocationList } from '../certs/crl';
import type { OcspAnswer } from './ocsp';

/**
 * What the verifier learnt about one certificate's revocation, kept with the verdict: where the answer
 * came from, what it said, and for how long it holds.
 */
export interface RevocationAnswer {
  /** The certificate asked about. */
  readonly certificate: string;
  readonly serialNumber: string;
  /** `none`: no revocation information exists for it (no CRL loaded, none published). */
  readonly source: 'ocsp' | 'crl' | 'none';
  /** Where it was fetched from; absent for a CRL loaded from configuration or uploaded to the console. */
  readonly url?: string;
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revokedAt?: string;
  readonly thisUpdate?: string;
  readonly nextUpdate?: string;
  /** Who signed the answer: the CRL's issuer or the OCSP responder. */
  readonly signedBy?: string;
  /** Set when the certificate was accepted without a current answer (degraded mode `warn`, a stale CRL under `warn`). */
  readonly warning?: string;
}

/** A CRL and the URL it was fetched from (undefined: pushed by the console). */
export interface SourcedCrl {
  readonly crl: RevocationList;
  readonly url?: string;
}

/**
 * Revocation evidence gathered online, as the trust store reads it while it verifies: synchronously,
 * from what has already been fetched. What it could not answer it notes as a miss; the caller then
 * fetches (RevocationService.settle) and verifies again.
 */
export interface RevocationSource {
  /** Current CRLs that may cover `cert` (from its distribution points and from the console); the store keeps its issuer's. */
  crlsFor(cert: Certificate): readonly SourcedCrl[];
  /** A current OCSP answer about `cert` from `issuer` or its responder, if one was fetched. */
  ocspFor(cert: Certificate, issuer: Certificate, now: Date): { answer: OcspAnswer; url: string } | undefined;
  /** Why fetching the status of `cert` failed, while that failure is recent (then the degraded mode decides). */
  failureFor(cert: Certificate, now: Date): string | undefined;
  /** The store had no current answer for `cert`: fetch it before the next verification. */
  noteMiss(cert: Certificate, issuer: Certificate): void;
}
