import { EdxError, ErrorCode, isUuid } from '@edx/common';
import { ParsedStatus, assertValid, parseEdxml, validateStatus } from '@edx/edxml';
import { StatusHeaders } from '@edx/messaging';
import { verifyEnvelope } from '@edx/trust';
import { Directory } from '../directory/directory';
import { StatusRecord } from '../records/exchange-records';
import { HubTrust } from '../routing/hub-trust';
import { InboundEnvelope } from '../routing/inbound-envelope';

export interface CheckedStatus {
  readonly kind: 'checked';
  readonly record: StatusRecord;
  readonly parsed: ParsedStatus;
}

export interface RefusedStatus {
  readonly kind: 'refused';
  readonly code: ErrorCode;
  readonly reason: string;
}

/**
 * Checks one status message: parse and validate, the publishing system hosts the active From
 * agency, the envelope signature is that agency's and binds both the message id and the package id
 * it is filed under. Whether the document exists, whether its author may say it about that document
 * (status-authorship.ts) and where it goes next is decided against the records (InboundBatchHandler).
 */
export class CheckStatusUseCase {
  constructor(private readonly trust: HubTrust) {}

  check(message: InboundEnvelope, directory: Directory, now: Date): CheckedStatus | RefusedStatus {
    const system = directory.systemByAmqpUser(message.userId);
    if (!system || system.status !== 'active') {
      return refuse('ROUTING_SENDER_NOT_HOSTED', `The broker user "${message.userId ?? '(none)'}" is not an active connected system.`);
    }
    const packageId = message.headers[StatusHeaders.packageId];
    if (!isUuid(packageId)) return refuse('MESSAGING_BAD_MESSAGE', `A status must carry the ${StatusHeaders.packageId} header with the package id.`);
    let parsed: ParsedStatus;
    try {
      const result = parseEdxml(message.body);
      if (result.kind !== 'status') return refuse('EDXML_NOT_EDXML', 'A package was published with the routing key of a status.');
      parsed = result;
      assertValid(validateStatus(parsed));
    } catch (error) {
      const e = error instanceof EdxError ? error : new EdxError('EDXML_MALFORMED', String(error));
      return refuse(e.code, e.message);
    }
    const fromCode = parsed.status.from.organId ?? '';
    const from = directory.agency(fromCode);
    if (!from) return refuse('ROUTING_SENDER_UNKNOWN', `The reporting agency ${fromCode} is not registered.`);
    if (from.systemId !== system.id) return refuse('ROUTING_SENDER_NOT_HOSTED', `Connected system ${system.id} does not host agency ${fromCode}.`);
    // A suspended agency sends nothing new (a recall is the sender asking again), but its receipts for
    // what already reached it still count: refusing them would lose the record of a delivery.
    if (from.status !== 'active' && parsed.status.statusCode === '13') {
      return refuse('AGENCY_SUSPENDED', `The agency ${fromCode} is suspended: it may not recall documents until it is resumed.`);
    }
    const verdict = verifyEnvelope(parsed, { ...this.trust.verifyOptions(directory, fromCode, now), messageId: message.messageId, aboutPackageId: packageId });
    if (!verdict.ok) return refuse(verdict.code ?? 'SIGNATURE_INVALID', `Status signature: ${verdict.message}`);
    return {
      kind: 'checked',
      parsed,
      record: {
        messageId: message.messageId,
        packageId,
        fromCode,
        statusCode: parsed.status.statusCode ?? '',
        description: parsed.status.description ?? '',
        at: now,
        actor: system.id,
      },
    };
  }
}

function refuse(code: ErrorCode, reason: string): RefusedStatus {
  return { kind: 'refused', code, reason };
}
