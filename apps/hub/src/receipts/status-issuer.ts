import { deterministicUuid } from '@edx/common';
import { ParsedPackage, buildStatus, responseForPackage } from '@edx/edxml';
import { SigningIdentity, writeSignedStatus } from '@edx/trust';

export interface IssuedStatus {
  readonly messageId: string;
  readonly body: Buffer;
}

/**
 * Writes the hub's own signed status messages: the rejections (02) it tells a sender about. The id is
 * derived from the package, the recipient and the reason, so re-issuing after a crash is deduplicated.
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
    return { messageId, body: writeSignedStatus(status, this.identity, messageId) };
  }
}
