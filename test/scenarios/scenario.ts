import type { ErrorCode } from '@edx/common';
import type { IssuedIdentity, PdfSignOptions, SigningIdentity } from '@edx/trust';

/** What a scenario may use: the agencies of the test exchange and ways to make packages. */
export interface ScenarioContext {
  readonly codes: { A: string; B: string; C: string; suspendedSender: string; suspendedRecipient: string };
  /**
   * A package as a gateway would send it: PDF signed by `pdfSigner`, envelope by `envelopeSigner`
   * for `packageId` (default: a new UUID, which the publication then defaults to), `files` after the PDF.
   */
  signedPackage(input?: {
    from?: string;
    to?: string[];
    pdf?: Buffer;
    envelopeSigner?: SigningIdentity;
    packageId?: string;
    files?: Array<{ name: string; contentType: string; bytes: Buffer; description?: string }>;
  }): Buffer;
  readonly identities: {
    /** A's gateway key: the certificate registered for A. */
    readonly envelopeOfA: SigningIdentity;
    readonly organisationOfA: IssuedIdentity;
    readonly envelopeOfSuspended: SigningIdentity;
    readonly expiredOfA: IssuedIdentity;
    readonly revokedOfA: IssuedIdentity;
    readonly fromAnotherPki: IssuedIdentity;
    readonly organisationOfB: IssuedIdentity;
    /** A person of A's organisation: documents are signed by the person, then by the organisation. */
    readonly personOfA: IssuedIdentity;
    /** Certificates of A the hub must refuse for their chain, key usage or algorithms (under the exchange's PKI). */
    readonly underCaWithoutKeyCertSign: IssuedIdentity;
    readonly beyondPathLength: IssuedIdentity;
    readonly weakKeyOfA: IssuedIdentity;
    readonly withoutKeyUsageOfA: IssuedIdentity;
    readonly md5SignedOfA: IssuedIdentity;
  };
  /** A PDF signed by `by`; `options` as signPdf takes them (a claimed signingTime, another signing-certificate attribute…). */
  signedPdf(by: IssuedIdentity, options?: PdfSignOptions): Buffer;
  unsignedPdf(): Buffer;
}

export interface Publication {
  /** The connected system whose broker user publishes (as its gateway would), or the administrator. */
  readonly as: 'sys-a' | 'sys-b' | 'admin';
  readonly body: Buffer;
  readonly routingKey?: 'package' | 'status';
  /** Default: the id the body's envelope is signed for (as its gateway would publish it), else a new UUID. null: no message id at all. */
  readonly messageId?: string | null;
}

/**
 * What must happen: a dead letter with this code, and whether the sender is told with a 02; a 02
 * for one refused recipient; or delivery: the package is accepted and the recipient's 01 reaches the sender.
 */
export type Expectation =
  | { readonly deadLetter: ErrorCode; readonly senderTold: boolean }
  | { readonly rejectedRecipient: string; readonly code: ErrorCode }
  | { readonly delivered: true };

export interface Scenario {
  readonly name: string;
  /** One line on what the scenario proves. */
  readonly proves: string;
  /** Publications in order; the expectation is about the last one. */
  publish(context: ScenarioContext): Publication[];
  readonly expect: Expectation;
}
