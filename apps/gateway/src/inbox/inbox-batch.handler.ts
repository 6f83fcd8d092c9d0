import { CrashPoints, deterministicUuid, EdxError, ErrorCode, isUuid, Logger, NO_CRASH_POINTS, NO_STAGE_CLOCK, StageClock, toEdxError } from '@edx/common';
import { ParsedPackage, StatusClaim, assertValid, parseEdxml, statusAuthorshipRefusal, validatePackage, validateStatus } from '@edx/edxml';
import { InboundMessage, Outcome, StatusHeaders, markStages } from '@edx/messaging';
import { BlobReader, CHAIN_CHECKPOINT_TYPE, RECEIPT_ATTESTATION_HEADER, ReceiptAttestation, claimedDocuments, verifyChainCheckpoint, verifyEnvelope, verifyReceiptAttestation } from '@edx/trust';
import { createHash } from 'node:crypto';
import { GatewayTrust } from '../config/gateway-trust';
import { HostedAgencies } from '../config/hosted-agencies';
import { GatewayEvents } from '../events/gateway-events';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { GatewayStore, NewOutboxMessage, NewStatusRecord } from '../outbox/gateway.store';
import { STATUS_DESCRIPTIONS, authorStatus } from '../statuses/status-author';
import { IncomingDocumentEntity, ReceivedCheckpointEntity } from '@edx/storage';

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
    /** Asks the directory again (an agency added a moment ago); resolves when it answered or could not. */
    private readonly learnAgencies: () => Promise<void>,
    private readonly trust: GatewayTrust,
    private readonly store: GatewayStore,
    private readonly events: GatewayEvents,
    private readonly onQueued: () => void,
    private readonly logger: Logger,
    private readonly crash: CrashPoints = NO_CRASH_POINTS,
    private readonly metrics?: GatewayMetrics,
    private readonly stages: StageClock = NO_STAGE_CLOCK,
    /** Where claim-checked attachments are read from (the hub), and how large a claimed PDF or zip may be read to check it. */
    private readonly claims?: { readonly blobs: BlobReader; readonly maxOpenBytes: number },
  ) {}

  async handle(messages: InboundMessage[]): Promise<Outcome[]> {
    const now = new Date();
    markStages(this.stages, 'gateway', 'in', messages);
    // A certificate whose revocation status had to be fetched is judged again with the answer.
    let decided = await this.decideAll(messages, now);
    if (await this.trust.revocation?.settle(now)) decided = await this.decideAll(messages, now);
    const { outcomes, packages, received } = decided;

    const freshPackages = await this.store.saveIncoming(packages.map((p) => p.item));
    // After the packages: a recall may come in the same batch as the document it recalls.
    const statuses = await this.byTheirAuthors(received, outcomes);
    const freshStatuses = await this.store.saveStatuses(statuses.map((s) => s.record));
    await this.store.saveCheckpoints(decided.checkpoints);
    markStages(this.stages, 'gateway', 'stored', messages);
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
    await this.count(packages, statuses.filter((s) => freshStatuses.has(s.record.id)).map((s) => s.record), freshPackages);
    return outcomes;
  }

  /** Documents received, and the time from sending to each fresh 01 for a document sent from here. */
  private async count(packages: Array<{ item: ReceivedPackage }>, freshStatuses: NewStatusRecord[], freshPackages: Set<string>): Promise<void> {
    if (!this.metrics) return;
    for (const { item } of packages) if (freshPackages.has(`${item.document.packageId}|${item.document.recipientCode}`)) this.metrics.received(item.document.verdict as 'arrived' | 'rejected');
    const arrivals = freshStatuses.filter((r) => r.statusCode === '01' && r.direction === 'in');
    const sentAt = await this.store.sentAt([...new Set(arrivals.map((r) => r.packageId))]);
    for (const r of arrivals) {
      const sent = sentAt.get(r.packageId);
      if (sent) this.metrics.arrived(sent, r.at);
    }
  }

  /** What each message is (a package or status to record) or why it is refused. */
  private async decideAll(messages: InboundMessage[], now: Date) {
    const outcomes: Outcome[] = messages.map(() => Outcome.ack());
    const packages: Array<{ index: number; item: ReceivedPackage }> = [];
    const received: Array<{ index: number; record: NewStatusRecord; claim: StatusClaim }> = [];
    const checkpoints: ReceivedCheckpointEntity[] = [];

    if (messages.some((m) => !this.agencies.get(m.routingKey))) await this.learnAgencies();
    await Promise.all(messages.map(async (message, index) => {
      try {
        const recipient = this.agencies.get(message.routingKey);
        if (!recipient) throw new EdxError('ROUTING_RECIPIENT_UNROUTABLE', `This gateway does not host agency ${message.routingKey}.`);
        if (!isUuid(message.messageId)) throw new EdxError('MESSAGING_BAD_MESSAGE', 'The message has no UUID message id.');
        if (message.type === 'package') packages.push({ index, item: await this.receivePackage(message, recipient.code, now) });
        else if (message.type === 'status') received.push({ index, ...this.receiveStatus(message, recipient.code, now) });
        else if (message.type === CHAIN_CHECKPOINT_TYPE) checkpoints.push(this.receiveCheckpoint(message, now));
        else throw new EdxError('MESSAGING_BAD_MESSAGE', `Unknown message type "${message.type}".`);
      } catch (error) {
        const e = toEdxError(error);
        outcomes[index] = e.isTransient ? Outcome.retry(e.message) : Outcome.deadLetter(e.code, e.message);
      }
    }));
    // Verifications finish in any order; records keep the batch's.
    packages.sort((a, b) => a.index - b.index);
    received.sort((a, b) => a.index - b.index);
    return { outcomes, packages, received, checkpoints };
  }

  /** A chain checkpoint of the hub: kept only when it is the hub's, signed with a certificate this gateway trusts. */
  private receiveCheckpoint(message: InboundMessage, now: Date): ReceivedCheckpointEntity {
    const token = message.body.toString('utf8');
    const checkpoint = verifyChainCheckpoint(token, { hubCode: this.trust.hubCode, trustStore: this.trust.store });
    return { seq: String(checkpoint.seq), at: new Date(checkpoint.at), head: checkpoint.head, token, receivedAt: now };
  }

  private async receivePackage(message: InboundMessage, recipientCode: string, now: Date): Promise<ReceivedPackage> {
    const packageId = message.messageId!;
    const agency = this.agencies.get(recipientCode)!;
    // Unreadable: dead-lettered (the hub checked it, so this is a fault to look at). Claim checks come only through the hub, which checked who uploaded them.
    const parsed = parseEdxml(message.body, undefined, { claims: true });
    if (parsed.kind !== 'package') throw new EdxError('EDXML_NOT_EDXML', 'A status arrived labelled as a package.');
    const pkg = parsed.package;
    // Judged at the time the hub provably verified it (its signed attestation), never at a signer's claim.
    const attested = this.attestation(message, packageId);
    const verdict = attested.ok ? await this.verify(parsed, packageId, new Date(attested.attestation.receivedAt)) : attested;
    const statusCode = verdict.ok ? '01' : '02';
    const description = verdict.ok ? STATUS_DESCRIPTIONS['01'] : `[${verdict.code}] ${verdict.reason}`;
    // Same package, same recipient, same answer id: a re-run after a crash is deduplicated downstream.
    const statusId = deterministicUuid(packageId, recipientCode, statusCode);
    const status = authorStatus(agency, { packageId, package: pkg }, statusCode, description, now, statusId);
    return {
      document: {
        packageId, recipientCode, senderCode: pkg.from.organId ?? '', edxmlDocumentId: pkg.documentId ?? '', subject: pkg.subject ?? '',
        package: message.body, sha256: createHash('sha256').update(message.body).digest('hex'),
        verdict: verdict.ok ? 'arrived' : 'rejected', rejectCode: verdict.ok ? null : verdict.code, rejectReason: verdict.ok ? null : verdict.reason,
        receivedAt: now, fetchedAt: null, receiptAttestation: attested.ok ? attested.token : null,
        addressedTo: headerText(message.headers[StatusHeaders.addressedTo]) ?? null,
      },
      status: { id: statusId, packageId, direction: 'out', agencyCode: recipientCode, fromCode: recipientCode, statusCode, description, at: now },
      outbox: { messageId: statusId, type: 'status', routingKey: 'status', headers: { [StatusHeaders.packageId]: packageId }, body: status.body, documentId: null },
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
  private async verify(parsed: ParsedPackage, packageId: string, now: Date): Promise<Verdict> {
    try {
      assertValid(validatePackage(parsed));
    } catch (error) {
      const e = toEdxError(error);
      return { ok: false, code: e.code, reason: e.message };
    }
    const options = this.trust.options(parsed.package.from.organId ?? '', now);
    const envelope = verifyEnvelope(parsed, { ...options, messageId: packageId });
    if (!envelope.ok) return { ok: false, code: envelope.code ?? 'SIGNATURE_INVALID', reason: `Envelope signature: ${envelope.message}` };
    let inputs;
    try {
      // Every claimed attachment is streamed from the hub and its digest checked here: no hop is trusted with the bytes.
      inputs = await claimedDocuments(parsed.attachments, this.claims?.blobs, { maxOpenBytes: this.claims?.maxOpenBytes ?? 0, checkDigests: true });
    } catch (error) {
      const e = toEdxError(error);
      if (e.isTransient) throw e;
      return { ok: false, code: e.code === 'NOT_FOUND' ? 'ATTACHMENT_MISSING' : e.code, reason: e.message };
    }
    const documents = await this.trust.verifier.verifyDocuments(inputs, { ...options, policy: this.trust.policy });
    if (!documents.ok) return { ok: false, code: documents.code ?? 'SIGNATURE_INVALID', reason: `Document signature: ${documents.message}` };
    return { ok: true };
  }

  /**
   * The statuses whose author may say them about the document they are filed under (the rule the hub
   * applies, checked again here against this gateway's own copy of the document); the others are
   * dead-lettered, never recorded or shown. A status about a document this gateway does not hold (its
   * system published the package past this gateway) is kept as the hub vouched for it: there is no
   * copy here to judge it by, and no document view it could change.
   */
  private async byTheirAuthors<T extends { index: number; record: NewStatusRecord; claim: StatusClaim }>(received: readonly T[], outcomes: Outcome[]): Promise<T[]> {
    const documents = await this.store.answeredDocuments(received.map((s) => s.record));
    return received.filter(({ index, record, claim }) => {
      const found = documents.get(`${record.agencyCode}|${record.packageId}`);
      // The hub routed the delivery for a retired code to its successor: the successor answers for
      // that recipient (only edx.hub's deliveries reach this inbox, so the header is the hub's word).
      const document = found && record.addressedTo && claim.fromCode && found.recipients.has(record.addressedTo)
        ? { ...found, recipients: new Set([...found.recipients, claim.fromCode]) }
        : found;
      const refusal = document && statusAuthorshipRefusal(claim, document);
      if (refusal) outcomes[index] = Outcome.deadLetter(refusal.code, refusal.reason);
      return !refusal;
    });
  }

  private receiveStatus(message: InboundMessage, agencyCode: string, now: Date): { record: NewStatusRecord; claim: StatusClaim } {
    const packageId = message.headers[StatusHeaders.packageId];
    if (!isUuid(packageId)) throw new EdxError('MESSAGING_BAD_MESSAGE', `A status must carry the ${StatusHeaders.packageId} header.`);
    const parsed = parseEdxml(message.body);
    if (parsed.kind !== 'status') throw new EdxError('EDXML_NOT_EDXML', 'A package arrived labelled as a status.');
    assertValid(validateStatus(parsed));
    const from = parsed.status.from.organId ?? '';
    // The signature binds the message id and the package id it is filed under.
    const verdict = verifyEnvelope(parsed, { ...this.trust.options(from, now), messageId: message.messageId!, aboutPackageId: packageId });
    if (!verdict.ok) throw new EdxError(verdict.code ?? 'SIGNATURE_INVALID', `Status signature from ${from}: ${verdict.message}`);
    // The hub's own 02 speaks for the recipient it could not serve; nobody else's status does.
    const byHub = from === this.trust.hubCode;
    const header = byHub ? message.headers[StatusHeaders.aboutRecipient] : undefined;
    const about = typeof header === 'string' ? header : undefined;
    const record: NewStatusRecord = {
      // One record per addressee and per author (who signed it): a recall sent to two agencies hosted
      // here is recorded for each, and another agency's status under the same id is another record.
      id: deterministicUuid(message.messageId!, agencyCode, from),
      packageId,
      direction: 'in',
      agencyCode,
      fromCode: about ?? from,
      statusCode: parsed.status.statusCode ?? '',
      description: parsed.status.description ?? '',
      at: now,
      addressedTo: headerText(message.headers[StatusHeaders.addressedTo]) ?? null,
    };
    const claim: StatusClaim = { fromCode: byHub ? about : from, statusCode: record.statusCode, responseFor: parsed.status.responseFor, issuedByHub: byHub };
    return { record, claim };
  }
}

/** A header the hub set, as text (AMQP may hand a long string over as bytes). */
function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (Buffer.isBuffer(value)) return value.toString('utf8') || undefined;
  return undefined;
}
