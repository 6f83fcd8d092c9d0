import { createHash } from 'node:crypto';
import { deterministicUuid } from '@edx/common';
import { ParsedPackage, buildStatus, responseForPackage } from '@edx/edxml';
import { ReceiptAttestation, SigningIdentity, signReceiptAttestation, writeSignedStatus } from '@edx/trust';

export interface IssuedStatus {
  readonly messageId: string;
  readonly body: Buffer;
}

/**
 * Writes the hub's own signed statements: the rejections (02) it tells a sender about (the id is
 * derived from the package, the recipient and the reason, so re-issuing after a crash is
 * deduplicated), and the receipt attestation every delivered copy carries.
 */
export class StatusIssuer {
  constructor(
    private readonly identity: SigningIdentity,
    private readonly organId: string,
    private readonly organName: string,
  ) {}

  rejection(about: ParsedPackage, packageId: string, recipientCode: string | undefined, code: string, reason: string, at: Date): IssuedStatus {
    const status = buildStatus({
      from: { organId: this.organId, organName: this.organName },
      responseFor: responseForPackage(about.package),
      statusCode: '02',
      description: recipientCode ? `[${code}] ${recipientCode}: ${reason}` : `[${code}] ${reason}`,
      at,
    });
    const messageId = deterministicUuid(packageId, recipientCode ?? '*', code);
    return { messageId, body: writeSignedStatus(status, this.identity, messageId, packageId) };
  }

  /**
   * The signed receipt attestation of an accepted package: these delivered bytes were verified at
   * `receivedAt` with this verdict. The receiving gateway judges the signatures at that time.
   */
  attest(packageId: string, deliveryBody: Buffer, receivedAt: Date, signatures: ReceiptAttestation['signatures']): string {
    return signReceiptAttestation(
      { packageId, sha256: createHash('sha256').update(deliveryBody).digest('hex'), receivedAt: receivedAt.toISOString(), verdict: 'valid', signatures, attestedBy: this.organId },
      this.identity,
    );
  }
}
