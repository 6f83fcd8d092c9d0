import { randomUUID } from 'node:crypto';
import { EdxError } from '@edx/common';
import { parseEdxml } from '@edx/edxml';
import { StatusHeaders } from '@edx/messaging';
import { HostedAgency } from '../config/hosted-agencies';
import { GatewayStore } from '../outbox/gateway.store';
import { StaffInfo, STATUS_DESCRIPTIONS, authorStatus } from './status-author';

/**
 * Codes a recipient reports about a document it received (01 too: its gateway sends one on receipt,
 * and a DMS that reports it again, late, is recorded without moving anything), and the one a sender
 * uses to recall.
 */
const RECIPIENT_CODES = new Set(['01', '02', '03', '04', '05', '06', '15', '16']);
const SENDER_CODES = new Set(['13']);

export interface PostStatusCommand {
  readonly agency: HostedAgency;
  readonly packageId: string;
  readonly statusCode: string;
  readonly description?: string;
  readonly staff?: StaffInfo;
}

/** A DMS reports progress on a document (03 accepted ... 06 completed), or a sender asks to recall (13). */
export class PostStatusUseCase {
  constructor(
    private readonly store: GatewayStore,
    private readonly onQueued: () => void,
  ) {}

  async execute(command: PostStatusCommand): Promise<{ id: string; statusCode: string }> {
    const { agency, packageId, statusCode } = command;
    if (!/^\d{2}$/.test(statusCode)) throw new EdxError('EDXML_STATUS_CODE', `Status code "${statusCode}" is not a two-digit code.`);
    const incoming = RECIPIENT_CODES.has(statusCode) ? await this.store.incoming(agency.code, packageId, true) : null;
    const outgoing = SENDER_CODES.has(statusCode) ? await this.store.outgoing(agency.code, packageId, true) : null;
    const document = incoming ?? outgoing;
    if (!document) {
      throw new EdxError(
        'NOT_FOUND',
        SENDER_CODES.has(statusCode)
          ? `Agency ${agency.code} sent no document ${packageId}; only its sender may recall it.`
          : `Agency ${agency.code} received no document ${packageId}, or ${statusCode} is not a status a recipient sends.`,
      );
    }
    const parsed = parseEdxml(document.package, undefined, { claims: true }); // this gateway's own copy, claim checks included
    if (parsed.kind !== 'package') throw new EdxError('INTERNAL_ERROR', `Stored document ${packageId} is not a package.`);
    const now = new Date();
    const description = command.description?.trim() || STATUS_DESCRIPTIONS[statusCode] || statusCode;
    const status = authorStatus(agency, { packageId, package: parsed.package }, statusCode, description, now, randomUUID(), command.staff);
    await this.store.saveStatuses(
      [{ id: status.messageId, packageId, direction: 'out', agencyCode: agency.code, fromCode: agency.code, statusCode, description, at: now }],
      [{ messageId: status.messageId, type: 'status', routingKey: 'status', headers: { [StatusHeaders.packageId]: packageId }, body: status.body, documentId: null }],
    );
    this.onQueued();
    return { id: status.messageId, statusCode };
  }
}
