import { CrashPoints, deterministicUuid, EdxError, ErrorCode, isUuid, Logger, NO_CRASH_POINTS, toEdxError } from '@edx/common';
import { ParsedPackage, assertValid, parseEdxml, validatePackage, validateStatus } from '@edx/edxml';
import { InboundMessage, Outcome } from '@edx/messaging';
import { CHAIN_CHECKPOINT_TYPE, RECEIPT_ATTESTATION_HEADER, ReceiptAttestation, verifyDocumentSignatures, verifyEnvelope, verifyReceiptAttestation, verifyChainCheckpoint } from '@edx/trust';
import { createHash } from 'node:crypto';
import { GatewayTrust } from '../config/gateway-trust';
import { HostedAgencies } from '../config/hosted-agencies';
import { GatewayEvents } from '../events/gateway-events';
import { GatewayStore, NewOutboxMessage, NewStatusRecord } from '../outbox/gateway.store';
import { STATUS_DESCRIPTIONS, authorStatus } from '../statuses/status-author';
import { IncomingDocumentEntity, ReceivedCheckpointEntity } from '@edx/storage';

const PACKAGE_ID_HEADER = 'x-edx-package-id';

type Verdict = { ok: true } | { ok: false; code: ErrorCode; reason: string };

interface ReceivedPackage {
  readonly document: IncomingDocumentEntity;
  readonly status: NewStatusRecord;
  readonly outbox: NewOutboxMessage;
}

/**
 * Handles one batch from this system's inbox. A package is verified again (never trust the relay),
 * stored, and answered with a signed 01 (arrived) or 02 (rejected, with the reason), all in one
 * transaction with the status's outbox row; a status is verified and recorded. Acked only after the
 * commit; a redelivered package or status is recognised and not stored or answered twice.
 */
export class InboxBatchHandler {
  constructor(
    private readonly agencies: HostedAgencies,
    private readonly trust: GatewayTrust,
    private readonly store: GatewayStore,
    private readonly events: GatewayEvents,
    private readonly onQueued: () => void,
    private readonly logger: Logger,
    private readonly crash: CrashPoints = NO_CRASH_POINTS,
  ) {}

  async handle(messages: InboundMessage[]): Promise<Outcome[]> {
    const now = new Date();
    // Verification is synchronous: a certificate whose revocation status had to be fetched is judged again with the answer.
    let decided = this.decideAll(messages, now);
    if (await this.trust.revocation?.settle(now)) decided = this.decideAll(messages, now);
    const { outcomes, packages, statuses } = decided;

    const freshPackages = await this.store.saveIncoming(packages.map((p) => p.item));
    const freshStatuses = await this.store.saveStatuses(statuses.map((s) => s.record));
    await this.store.saveCheckpoints(decided.checkpoints);
    this.crash.reach('gateway:after-commit');
    if (packages.length > 0) this.onQueued();

    for (const { item } of packages) {
      const d = item.document;
      if (!freshPackages.has(`${d.packageId}|${d.recipientCode}`)) continue;
      this.events.emit({
        agencyCode: d.recipientCode,
        type: 'document',
        data: { id: d.packageId, from: d.senderCode, documentId: d.edxmlDocumentId, subject: d.subject, verdict: d.verdict, rejectCode: d.rejectCode, receivedAt: d.receivedAt },
      });
    }
    for (const { record } of statuses) {
      if (!freshStatuses.has(record.id)) continue;
      this.events.emit({ agencyCode: record.agencyCode, type: 'status', data: { packageId: record.packageId, from: record.fromCode, statusCode: record.statusCode, description: record.description, at: record.at } });
    }
    return outcomes;
  }

  /** What each message is (a package or status to record) or why it is refused. */
  private decideAll(messages: InboundMessage[], now: Date) {
    const outcomes: Outcome[] = messages.map(() => Outcome.ack());
    const packages: Array<{ index: number; item: ReceivedPackage }> = [];
    const statuses: Array<{ index: number; record: NewStatusRecord }> = [];
    const checkpoints: ReceivedCheckpointEntity[] = [];

    messages.forEach((message, index) => {
      try {
        const recipient = this.agencies.get(message.routingKey);
        if (!recipient) throw new EdxError('ROUTING_RECIPIENT_UNROUTABLE', `This gateway does not host agency ${message.routingKey}.`);
        if (!isUuid(message.messageId)) throw new EdxError('MESSAGING_BAD_MESSAGE', 'The message has no UUID message id.');
        if (message.type === 'package') packages.push({ index, item: this.receivePackage(message, recipient.code, now) });
        else if (message.type === 'status') statuses.push({ index, record: this.receiveStatus(message, recipient.code, now) });
        else if (message.type === CHAIN_CHECKPOINT_TYPE) checkpoints.push(this.receiveCheckpoint(message, now));
        else throw new EdxError('MESSAGING_BAD_MESSAGE', `Unknown message type "${message.type}".`);
      } catch (error) {
        const e = toEdxError(error);
        outcomes[index] = e.isTransient ? Outcome.retry(e.message) : Outcome.deadLetter(e.code, e.message);
      }
    });
    return { outcomes, packages, statuses, checkpoints };
  }

  /** A chain checkpoint of the hub: kept only when it is the hub's, signed with a certificate this gateway trusts. */
  private receiveCheckpoint(message: InboundMessage, now: Date): ReceivedCheckpointEntity {
    const token = message.body.toString('utf8');
    const checkpoint = verifyChainCheckpoint(token, { hubCode: this.trust.hubCode, trustStore: this.trust.store });
    return { seq: String(checkpoint.seq), at: new Date(checkpoint.at), head: checkpoint.head, token, receivedAt: now };
  }

  private receivePackage(message: InboundMessage, recipientCode: string, now: Date): ReceivedPackage {
    const packageId = message.messageId!;
    const agency = this.agencies.get(recipientCode)!;
    const parsed = parseEdxml(message.body); // unreadable: dead-lettered (the hub checked it, so this is a fault to look at)
    if (parsed.kind !== 'package') throw new EdxError('EDXML_NOT_EDXML', 'A status arrived labelled as a package.');
    const pkg = parsed.package;
    // Judged at the time the hub provably verified it (its signed attestation), never at a signer's claim.
    const attested = this.attestation(message, packageId);
    const verdict = attested.ok ? this.verify(parsed, packageId, new Date(attested.attestation.receivedAt)) : attested;
    const statusCode = verdict.ok ? '01' : '02';
    const description = verdict.ok ? STATUS_DESCRIPTIONS['01'] : `[${verdict.code}] ${verdict.reason}`;
    // Same package, same recipient, same answer id: a re-run after a crash is deduplicated downstream.
    const statusId = deterministicUuid(packageId, recipientCode, statusCode);
    const status = authorStatus(agency, pkg, statusCode, description, now, statusId);
    return {
      document: {
        packageId, recipientCode, senderCode: pkg.from.organId ?? '', edxmlDocumentId: pkg.documentId ?? '', subject: pkg.subject ?? '',
        package: message.body, sha256: createHash('sha256').update(message.body).digest('hex'),
        verdict: verdict.ok ? 'arrived' : 'rejected', rejectCode: verdict.ok ? null : verdict.code, rejectReason: verdict.ok ? null : verdict.reason,
        receivedAt: now, fetchedAt: null, receiptAttestation: attested.ok ? attested.token : null,
      },
      status: { id: statusId, packageId, direction: 'out', agencyCode: recipientCode, fromCode: recipientCode, statusCode, description, at: now },
      outbox: { messageId: statusId, type: 'status', routingKey: 'status', headers: { [PACKAGE_ID_HEADER]: packageId }, body: status.body, documentId: null },
    };
  }

  /** The hub's signed receipt attestation of these bytes under this id; without one the package did not come from the hub. */
  private attestation(message: InboundMessage, packageId: string): { ok: true; token: string; attestation: ReceiptAttestation } | { ok: false; code: ErrorCode; reason: string } {
    const token = message.headers[RECEIPT_ATTESTATION_HEADER];
    try {
      const text = typeof token === 'string' ? token : Buffer.isBuffer(token) ? token.toString('utf8') : undefined;
      const attestation = verifyReceiptAttestation(text, { body: message.body, packageId, hubCode: this.trust.hubCode, trustStore: this.trust.store });
      return { ok: true, token: text!, attestation };
    } catch (error) {
      const e = toEdxError(error);
      return { ok: false, code: e.code, reason: e.message };
    }
  }

  /** The incoming check: structure, envelope signature of the sender for this package id, PDF signatures per policy. */
  private verify(parsed: ParsedPackage, packageId: string, now: Date): Verdict {
    try {
      assertValid(validatePackage(parsed));
    } catch (error) {
      const e = toEdxError(error);
      return { ok: false, code: e.code, reason: e.message };
    }
    const options = this.trust.options(parsed.package.from.organId ?? '', now);
    const envelope = verifyEnvelope(parsed, { ...options, messageId: packageId });
    if (!envelope.ok) return { ok: false, code: envelope.code ?? 'SIGNATURE_INVALID', reason: `Envelope signature: ${envelope.message}` };
    const documents = verifyDocumentSignatures(parsed.attachments, { ...options, policy: this.trust.policy });
    if (!documents.ok) return { ok: false, code: documents.code ?? 'SIGNATURE_INVALID', reason: `Document signature: ${documents.message}` };
    return { ok: true };
  }

  private receiveStatus(message: InboundMessage, agencyCode: string, now: Date): NewStatusRecord {
    const packageId = message.headers[PACKAGE_ID_HEADER];
    if (!isUuid(packageId)) throw new EdxError('MESSAGING_BAD_MESSAGE', `A status must carry the ${PACKAGE_ID_HEADER} header.`);
    const parsed = parseEdxml(message.body);
    if (parsed.kind !== 'status') throw new EdxError('EDXML_NOT_EDXML', 'A package arrived labelled as a status.');
    assertValid(validateStatus(parsed));
    const from = parsed.status.from.organId ?? '';
    const verdict = verifyEnvelope(parsed, { ...this.trust.options(from, now), messageId: message.messageId! });
    if (!verdict.ok) throw new EdxError(verdict.code ?? 'SIGNATURE_INVALID', `Status signature from ${from}: ${verdict.message}`);
    const about = message.headers['x-edx-about-recipient'];
    return {
      // One record per addressee: a recall sent to two agencies hosted here is recorded for each.
      id: deterministicUuid(message.messageId!, agencyCode),
      packageId,
      direction: 'in',
      agencyCode,
      fromCode: typeof about === 'string' ? about : from,
      statusCode: parsed.status.statusCode ?? '',
      description: parsed.status.description ?? '',
      at: now,
    };
  }
}
