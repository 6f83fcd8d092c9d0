import { CrashPoints, ErrorCode, Logger, NO_CRASH_POINTS, NO_STAGE_CLOCK, StageClock, isUuid, toEdxError } from '@edx/common';
import { ConfirmedPublisher, InboundMessage, Outcome, StatusHeaders, Topology, markStages } from '@edx/messaging';
import { statusAuthorshipRefusal } from '@edx/edxml';
import { RECEIPT_ATTESTATION_HEADER, RevocationService } from '@edx/trust';
import { asStorageError } from '@edx/storage';
import { Directory } from '../directory/directory';
import { DirectoryRepository } from '../directory/directory.repository';
import { ExchangeRepository } from '../records/exchange.repository';
import { DeliveredCopy, KnownDocument, PackageRecord, StatusRecord } from '../records/exchange-records';
import { CheckStatusUseCase, CheckedStatus } from '../receipts/apply-status.usecase';
import { HubMetrics } from '../metrics/hub.metrics';
import { StatusIssuer } from '../receipts/status-issuer';
import { PackageDecision, RoutePackageUseCase } from '../routing/route-package.usecase';

/** Headers the hub adds to what it sends to a gateway. */
export const RECIPIENT_HEADER = 'x-edx-recipient';

/** One message the hub sends on edx.deliver; always `mandatory`: what no queue takes comes back. */
interface Publish {
  readonly routingKey: string;
  readonly messageId: string;
  readonly type: 'package' | 'status';
  readonly body: Buffer;
  readonly headers: Record<string, unknown>;
}

type Step =
  | { kind: 'done'; outcome: Outcome }
  | { kind: 'package'; decision: PackageDecision; message: InboundMessage; delivered?: DeliveredCopy }
  | { kind: 'status'; checked: CheckedStatus; message: InboundMessage };

/**
 * Handles one batch from hub.inbound: decide every message, commit every effect in one
 * transaction, publish what the decisions say (confirmed, pipelined), and only then answer each
 * message's outcome, so nothing is acked before it is committed and sent on. A redelivered
 * message finds its records already there and is sent on again; receivers dedupe by message id.
 */
export class InboundBatchHandler {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly records: ExchangeRepository,
    private readonly routePackage: RoutePackageUseCase,
    private readonly checkStatus: CheckStatusUseCase,
    private readonly issuer: StatusIssuer,
    private readonly publisher: ConfirmedPublisher,
    private readonly logger: Logger,
    private readonly crash: CrashPoints = NO_CRASH_POINTS,
    private readonly revocation?: RevocationService,
    private readonly metrics?: HubMetrics,
    private readonly stages: StageClock = NO_STAGE_CLOCK,
  ) {}

  /** Rejects STORAGE_UNAVAILABLE (the consumer retries the batch) when the database is away. */
  async handle(messages: InboundMessage[]): Promise<Outcome[]> {
    try {
      return await this.handleBatch(messages);
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  private async handleBatch(messages: InboundMessage[]): Promise<Outcome[]> {
    const now = new Date();
    markStages(this.stages, 'hub', 'in', messages);
    const directory = await this.directory.current();
    const decideAll = () => Promise.all(messages.map((message) => this.decide(message, directory, now)));
    let steps: Step[] = await decideAll();
    // A certificate whose revocation status had to be fetched is judged again with the answer.
    if (await this.revocation?.settle(now)) steps = await decideAll();

    // Statuses must be about a document the hub knows, and said by their author (status-authorship.ts):
    // anything else is dead-lettered with its reason before the commit, so it never reaches the event chain.
    const statusSteps = steps.filter((s): s is Extract<Step, { kind: 'status' }> => s.kind === 'status');
    const documents = await this.records.findDocuments(statusSteps.map((s) => s.checked.record.packageId));
    // A recall can come in the same batch as its package (the sender's relay sends both at once).
    for (const step of steps) {
      if (step.kind !== 'package' || step.decision.kind !== 'accepted' || documents.has(step.decision.record.packageId)) continue;
      const r = step.decision.record;
      documents.set(r.packageId, { senderCode: r.senderCode, edxmlDocumentId: r.edxmlDocumentId, recipients: new Set([...r.routed, ...r.rejected.map((x) => x.recipientCode)]), liveRecipients: [...r.routed], addressedTo: new Map(Object.entries(r.addressedTo ?? {})) });
    }
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (step.kind !== 'status') continue;
      const { record, parsed } = step.checked;
      const document = documents.get(record.packageId);
      if (!document) {
        steps[i] = done(Outcome.deadLetter('ROUTING_DOCUMENT_UNKNOWN', `Status about unknown package ${record.packageId}.`));
        continue;
      }
      const refusal = statusAuthorshipRefusal({ fromCode: record.fromCode, statusCode: record.statusCode, responseFor: parsed.status.responseFor }, document);
      if (refusal) steps[i] = done(Outcome.deadLetter(refusal.code, `${refusal.reason} (published by ${record.actor}, message ${record.messageId})`));
    }

    // The attestation is signed before the commit so the hub records the very token it delivers with the package's events.
    const accepted: PackageRecord[] = [];
    for (const s of steps) {
      if (s.kind !== 'package' || s.decision.kind !== 'accepted') continue;
      const { record, deliveryBody, signatures } = s.decision;
      s.delivered = { body: deliveryBody, attestation: this.issuer.attest(record.packageId, deliveryBody, record.receivedAt, signatures) };
      accepted.push({ ...record, delivered: s.delivered });
    }
    const statuses = steps.flatMap((s) => (s.kind === 'status' ? [{ ...s.checked.record, signed: s.message.body }] : []));
    const { newPackages, storedDigests } = await this.records.commit(accepted, statuses, documents);
    // A redelivered package is sent on as the hub first recorded it (bytes and attestation), so every
    // copy a recipient may hold is the one a proof of delivery shows.
    const recorded = await this.records.deliveredCopies(accepted.filter((p) => !newPackages.has(p.packageId)).map((p) => p.packageId));
    for (const s of steps) if (s.kind === 'package' && s.decision.kind === 'accepted') s.delivered = recorded.get(s.decision.record.packageId) ?? s.delivered;
    // A package id recorded with other content is a replay, not a redelivery: refuse it (also when
    // both copies came in this very batch).
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (step.kind !== 'package' || step.decision.kind !== 'accepted') continue;
      const stored = storedDigests.get(step.decision.record.packageId);
      if (stored !== step.decision.record.sha256) {
        steps[i] = done(Outcome.deadLetter('CONFLICT', `Package id ${step.decision.record.packageId} was already used for another package; a replayed id with new content is refused.`));
      }
    }

    markStages(this.stages, 'hub', 'committed', messages);
    this.crash.reach('hub:after-commit');
    const outcomes = await Promise.all(
      steps.map(async (step) => {
        if (step.kind === 'done') return step.outcome;
        try {
          return await this.send(step, documents, directory, now);
        } catch (error) {
          const e = toEdxError(asStorageError(error, 'The hub database'));
          return e.isTransient ? Outcome.retry(e.message) : Outcome.deadLetter(e.code, e.message);
        }
      }),
    );
    markStages(this.stages, 'hub', 'out', messages);
    this.crash.reach('hub:before-ack');
    this.count(messages, steps, outcomes);
    return outcomes;
  }

  private count(messages: InboundMessage[], steps: Step[], outcomes: Outcome[]): void {
    if (!this.metrics) return;
    outcomes.forEach((outcome, i) => {
      const step = steps[i];
      if (step.kind === 'package') {
        const record = step.decision.kind === 'accepted' ? step.decision.record : undefined;
        this.metrics!.package(outcome, record && { routed: record.routed.length, rejected: record.rejected.length });
      } else if ((messages[i].type ?? messages[i].routingKey) === 'package') this.metrics!.package(outcome);
      else if (outcome.kind === 'dead-letter') this.metrics!.refused(outcome.code);
    });
  }

  private async decide(message: InboundMessage, directory: Awaited<ReturnType<DirectoryRepository['current']>>, now: Date): Promise<Step> {
    if (!isUuid(message.messageId)) return done(Outcome.deadLetter('MESSAGING_BAD_MESSAGE', 'The message has no UUID message id.'));
    const envelope = { messageId: message.messageId, userId: message.userId, body: message.body, headers: message.headers };
    const type = message.type ?? message.routingKey;
    if (type === 'package') return { kind: 'package', message, decision: await this.routePackage.decide(envelope, directory, now) };
    if (type === 'status') {
      const checked = this.checkStatus.check(envelope, directory, now);
      return checked.kind === 'checked' ? { kind: 'status', checked, message } : done(Outcome.deadLetter(checked.code, checked.reason));
    }
    return done(Outcome.deadLetter('MESSAGING_BAD_MESSAGE', `Unknown message type "${type}".`));
  }

  private async send(step: Exclude<Step, { kind: 'done' }>, documents: Map<string, KnownDocument>, directory: Directory, now: Date): Promise<Outcome> {
    // A code retired since the document was recorded is reached at its successor.
    const home = (code: string) => directory.current(code)?.code ?? code;
    if (step.kind === 'status') {
      const record = step.checked.record;
      const document = documents.get(record.packageId)!;
      // The sender's recall (13) goes to the recipients; a recipient's status goes to the sender,
      // telling it which code it addressed when the author is that code's successor.
      const targets = record.statusCode === '13' ? document.liveRecipients : [document.senderCode];
      const addressedTo = record.statusCode === '13' ? undefined : document.addressedTo.get(record.fromCode);
      // To the code the document was recorded with, where it is (its system may still receive for a
      // retired code); failing that, to that code's successor.
      const missed = await this.publishAll(targets.map((to) => statusTo(to, record, step.message.body, addressedTo)));
      const forwarded = missed.map((p) => String(p.headers[RECIPIENT_HEADER])).filter((to) => home(to) !== to);
      const unroutable = [
        ...missed.filter((p) => home(String(p.headers[RECIPIENT_HEADER])) === p.routingKey),
        ...(await this.publishAll(forwarded.map((to) => statusTo(home(to), record, step.message.body, addressedTo)))),
      ];
      // Recorded, but nobody could be told: an operator sees it among the dead letters (and can replay it).
      if (unroutable.length > 0) return Outcome.deadLetter('STATUS_UNROUTABLE', `Status ${record.statusCode} from ${record.fromCode} on package ${record.packageId} could not be routed to ${unroutable.map((p) => p.routingKey).join(', ')}: no queue is bound for it.`);
      return Outcome.ack();
    }
    const decision = step.decision;
    const packageId = step.message.messageId!;
    if (decision.kind === 'refused') {
      if (decision.sender) {
        const status = this.issuer.rejection(decision.sender.parsed, packageId, undefined, decision.code, decision.reason, now);
        // To the very code that sent it (also a retired one: its system still receives for it).
        const unroutable = await this.publishAll([hubStatusTo(decision.sender.code, packageId, undefined, status)]);
        if (unroutable.length > 0) return Outcome.deadLetter(decision.code, `${decision.reason} (the hub's 02 could not be routed to the sender ${decision.sender.code})`);
      }
      return Outcome.deadLetter(decision.code, decision.reason);
    }
    const { record, parsed } = decision;
    const { body: deliveryBody, attestation } = step.delivered!;
    const rejections = [...record.rejected];
    // Every copy carries the package id as its message id; the broker's return names the routing key,
    // so each unroutable recipient (and only it) gets its own 02.
    const unroutableCopies = await this.publishAll(
      record.routed.map((recipientCode) => ({
        routingKey: recipientCode, messageId: packageId, type: 'package' as const, body: deliveryBody,
        headers: {
          [RECIPIENT_HEADER]: recipientCode, 'x-edx-sender-system': record.senderSystem, [RECEIPT_ATTESTATION_HEADER]: attestation,
          ...(record.addressedTo?.[recipientCode] ? { [StatusHeaders.addressedTo]: record.addressedTo[recipientCode] } : {}),
        },
      })),
    );
    const unroutable: StatusRecord[] = [];
    for (const { routingKey: recipientCode } of unroutableCopies) {
      const code: ErrorCode = 'ROUTING_RECIPIENT_UNROUTABLE';
      const reason = `No queue is bound for agency ${recipientCode}; its connected system is not set up.`;
      rejections.push({ recipientCode, code, reason });
      unroutable.push({ messageId: `unroutable:${packageId}:${recipientCode}`, packageId, fromCode: recipientCode, statusCode: '02', description: `[${code}] ${reason}`, at: now, actor: 'hub' });
    }
    if (unroutable.length > 0) await this.records.commit([], unroutable);
    const lost = await this.publishAll(
      rejections.map((r) => hubStatusTo(home(record.senderCode), packageId, r.recipientCode, this.issuer.rejection(parsed, packageId, r.recipientCode, r.code as ErrorCode, r.reason, now), record.addressedTo?.[r.recipientCode])),
    );
    if (lost.length > 0) {
      const about = lost.map((p) => p.headers[StatusHeaders.aboutRecipient]).join(', ');
      return Outcome.deadLetter('STATUS_UNROUTABLE', `Package ${packageId} was routed, but the hub's 02 for ${about} could not be routed to its sender ${record.senderCode}: no queue is bound for it.`);
    }
    return Outcome.ack();
  }

  /**
   * Publishes every message (mandatory, confirmed) and resolves with those that came back unroutable.
   * Rejects with the first other failure (the batch is retried; receivers deduplicate).
   */
  private async publishAll(publishes: readonly Publish[]): Promise<Publish[]> {
    const results = await Promise.allSettled(publishes.map((p) => this.publish(p)));
    const unroutable: Publish[] = [];
    for (let i = 0; i < results.length; i++) {
      const result = results[i];
      if (result.status === 'fulfilled') continue;
      const error = toEdxError(result.reason);
      if (error.code !== 'ROUTING_RECIPIENT_UNROUTABLE') throw error;
      unroutable.push(publishes[i]);
    }
    return unroutable;
  }

  private publish(p: Publish): Promise<void> {
    return this.publisher.publish(Topology.deliverExchange, p.routingKey, p.body, {
      messageId: p.messageId,
      type: p.type,
      headers: p.headers,
      mandatory: true,
      contentType: 'application/xml',
      timestamp: Math.floor(Date.now() / 1000),
    });
  }
}

function done(outcome: Outcome): Step {
  return { kind: 'done', outcome };
}

function statusTo(agencyCode: string, record: StatusRecord, body: Buffer, addressedTo?: string): Publish {
  return {
    routingKey: agencyCode, messageId: record.messageId, type: 'status', body,
    headers: { [StatusHeaders.packageId]: record.packageId, [RECIPIENT_HEADER]: agencyCode, 'x-edx-status-from': record.fromCode, ...(addressedTo ? { [StatusHeaders.addressedTo]: addressedTo } : {}) },
  };
}

function hubStatusTo(senderCode: string, packageId: string, recipientCode: string | undefined, status: { messageId: string; body: Buffer }, addressedTo?: string): Publish {
  return {
    routingKey: senderCode, messageId: status.messageId, type: 'status', body: status.body,
    headers: {
      [StatusHeaders.packageId]: packageId, [RECIPIENT_HEADER]: senderCode,
      ...(recipientCode ? { [StatusHeaders.aboutRecipient]: recipientCode } : {}),
      ...(addressedTo ? { [StatusHeaders.addressedTo]: addressedTo } : {}),
    },
  };
}
