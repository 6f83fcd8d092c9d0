import { createHash } from 'node:crypto';
import { EdxError, isUuid } from '@edx/common';
import { DELIVERY_PROOF_FORMAT, DeliveryProof } from '@edx/trust';
import { DocumentSearch, encodeCursor } from './document-search.query';
import { TraceEntry, documentTrace } from './document-trace';
import { DeliveryRow, DocumentRow, DocumentsRepository } from './documents.repository';
import { OverduePolicy, overdueReason } from './overdue';

export interface RecipientView {
  readonly code: string;
  readonly state: string;
  readonly lastStatusCode: string | null;
  readonly reason: string | null;
  readonly updatedAt: string;
  /** Why this delivery is overdue, or null. */
  readonly overdue: string | null;
  /** The retired code the sender addressed, when this recipient is its successor. */
  readonly addressedTo?: string;
}

function recipientView(d: DeliveryRow, doc: DocumentRow, now: Date, policy: OverduePolicy): RecipientView {
  return {
    code: d.recipientCode, state: d.state, lastStatusCode: d.lastStatusCode, reason: d.reason, updatedAt: new Date(d.updatedAt).toISOString(),
    overdue: overdueReason(d, { receivedAt: new Date(doc.receivedAt), dueDate: doc.dueDate && new Date(doc.dueDate) }, now, policy) ?? null,
    ...(d.addressedTo ? { addressedTo: d.addressedTo } : {}),
  };
}

function documentView(doc: DocumentRow) {
  return {
    id: doc.id, edxmlDocumentId: doc.edxmlDocumentId, sender: doc.senderCode, senderSystem: doc.senderSystem, subject: doc.subject,
    codeNumber: doc.codeNumber, codeNotation: doc.codeNotation, sha256: doc.sha256, size: Number(doc.size),
    receivedAt: new Date(doc.receivedAt).toISOString(), dueDate: doc.dueDate ? new Date(doc.dueDate).toISOString() : null,
  };
}

/** Finding documents and telling their journey: "where is document X, who has it, and why not the others". */
export class DocumentsService {
  constructor(
    private readonly documents: DocumentsRepository,
    private readonly policy: OverduePolicy,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async search(search: DocumentSearch) {
    const now = this.clock();
    const page = await this.documents.search(search, now, this.policy.arrivalWithinMs);
    const deliveries = await this.documents.deliveries(page.items.map((d) => d.id));
    const items = page.items.map((doc) => {
      const recipients = deliveries.filter((d) => d.documentId === doc.id).map((d) => recipientView(d, doc, now, this.policy));
      return { ...documentView(doc), recipients, overdue: recipients.some((r) => r.overdue !== null) };
    });
    return { items, total: page.total, nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  /** The document, each recipient's state and its history. NOT_FOUND when the hub never accepted it. */
  async get(id: string) {
    const doc = await this.find(id);
    const now = this.clock();
    const trace = documentTrace(await this.documents.events(id), await this.documents.deadLettersOf(id));
    const recipients = (await this.documents.deliveries([id])).map((d) => ({
      ...recipientView(d, doc, now, this.policy),
      history: trace.filter((t) => t.recipient === d.recipientCode),
    }));
    return { ...documentView(doc), recipients, overdue: recipients.some((r) => r.overdue !== null) };
  }

  /** The whole journey in time order; for a package the hub refused, its dead letters. */
  async trace(id: string): Promise<{ id: string; document: ReturnType<typeof documentView> | null; entries: TraceEntry[] }> {
    assertId(id);
    const [doc, deadLetters] = await Promise.all([this.documents.document(id), this.documents.deadLettersOf(id)]);
    if (!doc && deadLetters.length === 0) throw notFound(id);
    const events = doc ? await this.documents.events(id) : [];
    return { id, document: doc ? documentView(doc) : null, entries: documentTrace(events, deadLetters) };
  }

  /**
   * The proof of delivery of an accepted package (see DeliveryProof): NOT_FOUND when the hub never
   * accepted it, or accepted it before it kept the delivered bytes.
   */
  async proof(id: string): Promise<DeliveryProof> {
    await this.find(id);
    const [events, head, records] = await Promise.all([this.documents.events(id), this.documents.chainHead(id), this.documents.proofRecords(id)]);
    const received = events.find((e) => e.type === 'received');
    const attestation = received?.detail.attestation;
    if (!records.delivered || typeof attestation !== 'string') throw new EdxError('NOT_FOUND', `The hub accepted ${id} before it kept delivered packages and their attestations; it has no proof of it.`);
    const order = new Map(events.map((e, i) => [e.detail.messageId, i]));
    const receipts = records.statuses
      .flatMap((s) => {
        const event = events[order.get(s.messageId) ?? -1];
        return event ? [{ messageId: s.messageId, from: event.recipientCode ?? '', statusCode: event.statusCode ?? '', base64: s.body.toString('base64'), seq: event.seq }] : [];
      })
      .sort((a, b) => a.seq - b.seq)
      .map(({ seq: _seq, ...r }) => r);
    return {
      format: DELIVERY_PROOF_FORMAT,
      packageId: id,
      exportedAt: this.clock().toISOString(),
      package: { sha256: createHash('sha256').update(records.delivered).digest('hex'), base64: records.delivered.toString('base64') },
      signatures: Array.isArray(received?.detail.signatures) ? (received.detail.signatures as Array<Record<string, unknown>>) : [],
      attestation,
      receipts,
      chain: { entries: events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })), head: head ?? { hash: '', count: 0 } },
    };
  }

  private async find(id: string): Promise<DocumentRow> {
    assertId(id);
    const doc = await this.documents.document(id);
    if (!doc) throw notFound(id);
    return doc;
  }
}

function assertId(id: string): asserts id is string {
  if (!isUuid(id)) throw new EdxError('REQUEST_INVALID', `"${String(id).slice(0, 60)}" is not a package id (a UUID).`);
}

function notFound(id: string): EdxError {
  return new EdxError('NOT_FOUND', `The hub has no document and no dead letter with package id ${id}.`);
}
