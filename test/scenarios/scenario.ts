import type { ErrorCode } from '@edx/common';
import type { IssuedIdentity, SigningIdentity } from '@edx/trust';

/** What a scenario may use: the agencies of the test exchange and ways to make packages. */
export interface ScenarioContext {
  readonly codes: { A: string; B: string; C: string; suspendedSender: string; suspendedRecipient: string };
  /** A package as a gateway would send it: PDF signed by `pdfSigner`, envelope by `envelopeSigner`. */
  signedPackage(input?: { from?: string; to?: string[]; pdf?: Buffer; envelopeSigner?: SigningIdentity }): Buffer;
  readonly identities: {
    /** A's gateway key: the certificate registered for A. */
    readonly envelopeOfA: SigningIdentity;
    readonly organisationOfA: IssuedIdentity;
    readonly envelopeOfSuspended: SigningIdentity;
    readonly expiredOfA: IssuedIdentity;
    readonly revokedOfA: IssuedIdentity;
    readonly fromAnotherPki: IssuedIdentity;
    readonly organisationOfB: IssuedIdentity;
  };
  signedPdf(by: IssuedIdentity): Buffer;
  unsignedPdf(): Buffer;
}

export interface Publication {
  /** The connected system whose broker user publishes (as its gateway would), or the administrator. */
  readonly as: 'sys-a' | 'sys-b' | 'admin';
  readonly body: Buffer;
  readonly routingKey?: 'package' | 'status';
  /** Default: a new UUID. null: no message id at all. */
  readonly messageId?: string | null;
}

/** What must happen: a dead letter with this code, and whether the sender is told with a 02. */
export type Expectation =
  | { readonly deadLetter: ErrorCode; readonly senderTold: boolean }
  | { readonly rejectedRecipient: string; readonly code: ErrorCode };

export interface Scenario {
  readonly name: string;
  /** One line on what the scenario proves. */
  readonly proves: string;
  /** Publications in order; the expectation is about the last one. */
  publish(context: ScenarioContext): Publication[];
  readonly expect: Expectation;
}
