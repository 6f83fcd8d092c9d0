import { ErrorCode } from '@edx/common';
import type { Certificate, SignerKind } from './certs/certificate';
import type { TrustStore } from './certs/trust-store';
import type { RevocationAnswer } from './revocation/revocation-source';

/** Who signed, as a report shows it. */
export interface SignerInfo {
  readonly subject: string;
  readonly agencyCode?: string;
  readonly kind: SignerKind;
  readonly serialNumber: string;
  readonly certificatePem: string;
}

export interface SignatureVerdict {
  readonly ok: boolean;
  readonly code?: ErrorCode;
  readonly message: string;
  readonly signer?: SignerInfo;
  readonly signingTime?: Date;
  readonly validAtSigningTime: boolean;
  readonly validNow: boolean;
  /** What was learnt about the revocation of each certificate of the signer's chain, leaf first. */
  readonly revocation?: readonly RevocationAnswer[];
}

export interface VerifyOptions {
  readonly trustStore: TrustStore;
  /**
   * The provable time (default now): a time the caller can prove the signature existed by, such as
   * its own now or an attested receipt time. A PDF signature's own signingTime is never used.
   */
  readonly at?: Date;
  /** TSA anchors (and intermediates): a PDF signature's RFC 3161 time-stamp from a TSA here proves an earlier time. */
  readonly tsaTrust?: TrustStore;
  /** The From agency: the envelope and the organisation signature must belong to it. */
  readonly senderCode?: string;
  /** The directory's say on whether a certificate is registered for an agency (default: the code in the certificate). */
  readonly isRegisteredFor?: (agencyCode: string, signer: SignerInfo) => boolean;
  /** "Now" for the valid-now report (default: the real now). */
  readonly now?: Date;
}

export function belongsTo(options: VerifyOptions, agencyCode: string, signer: SignerInfo): boolean {
  return options.isRegisteredFor ? options.isRegisteredFor(agencyCode, signer) : signer.agencyCode === agencyCode;
}

export function failed(code: ErrorCode, message: string, extra: Partial<SignatureVerdict> = {}): SignatureVerdict {
  return { ok: false, code, message, validAtSigningTime: false, validNow: false, ...extra };
}

/** Who signed, as reports show it, from the signer's certificate. */
export function signerInfo(cert: Certificate): SignerInfo {
  return { subject: cert.subject, agencyCode: cert.agencyCode, kind: cert.kind, serialNumber: cert.serialNumber, certificatePem: cert.pem };
}
