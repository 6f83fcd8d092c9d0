import { DataSource } from 'typeorm';
import { AuditActor, ChainedEventFields, appendAudit, asStorageError } from '@edx/storage';
import { DocumentSearch, SearchCursor } from './document-search.query';
import { overdueSql } from './overdue';

export interface DocumentRow {
  readonly id: string;
  readonly edxmlDocumentId: string;
  readonly senderCode: string;
  readonly senderSystem: string;
  readonly subject: string;
  readonly codeNumber: string;
  readonly codeNotation: string;
  readonly sha256: string;
  readonly size: number;
  readonly receivedAt: Date;
  readonly dueDate: Date | null;
}

export interface DeliveryRow {
  readonly documentId: string;
  readonly recipientCode: string;
  readonly state: string;
  readonly lastStatusCode: string | null;
  readonly reason: string | null;
  readonly updatedAt: Date;
  /** The retired code the sender addressed, when this recipient is its successor. */
  readonly addressedTo: string | null;
}

/** An event as its chain records it: the hashed fields and the hash. */
export interface EventRow extends ChainedEventFields {
  readonly hash: string;
}

export interface DeadLetterSummary {
  readonly id: string;
  readonly sourceQueue: string;
  readonly code: string;
  readonly reason: string;
  readonly userId: string | null;
  readonly failedAt: Date;
}

const DOCUMENT_COLUMNS = `doc.id, doc.edxml_document_id AS "edxmlDocumentId", doc.sender_code AS "senderCode", doc.sender_system AS "senderSystem",
  doc.subject, doc.code_number AS "codeNumber", doc.code_notation AS "codeNotation", doc.sha256, doc.size::bigint::float8 AS size,
  doc.received_at AS "receivedAt", doc.due_date AS "dueDate"`;

/** The hub's documents, deliveries and events as the console reads them (never writes). */
export class DocumentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One page (newest first) and the total of documents matching `search`; STORAGE_UNAVAILABLE when the database is away. */
  async search(search: DocumentSearch, now: Date, arrivalWithinMs: number): Promise<{ items: DocumentRow[]; total: number; next?: SearchCursor }> {
    const params: unknown[] = [];
    const p = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (search.sender) where.push(`doc.sender_code = ${p(search.sender)}`);
    if (search.from) where.push(`doc.received_at >= ${p(search.from)}`);
    if (search.to) where.push(`doc.received_at <= ${p(search.to)}`);
    if (search.text) {
      const like = p(`%${search.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(doc.subject ILIKE ${like} OR doc.code_number ILIKE ${like} OR doc.code_notation ILIKE ${like} OR (doc.code_number || '/' || doc.code_notation) ILIKE ${like} OR doc.edxml_document_id ILIKE ${like})`);
    }
    const delivery: string[] = [];
    if (search.recipient) delivery.push(`d.recipient_code = ${p(search.recipient)}`);
    if (search.state) delivery.push(`d.state = ${p(search.state)}`);
    if (search.statusCode) delivery.push(`d.last_status_code = ${p(search.statusCode)}`);
    if (search.overdue !== undefined) {
      params.push(now, arrivalWithinMs);
      const overdue = overdueSql(params.length - 1, params.length);
      if (search.overdue) delivery.push(overdue);
      else where.push(`NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.document_id = doc.id AND ${overdue})`);
    }
    if (delivery.length > 0) where.push(`EXISTS (SELECT 1 FROM deliveries d WHERE d.document_id = doc.id AND ${delivery.join(' AND ')})`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    try {
      const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM documents doc ${filter}`, params);
      const pageParams = [...params];
      const page: string[] = [...where];
      if (search.cursor) {
        pageParams.push(search.cursor.receivedAt, search.cursor.id);
        page.push(`(doc.received_at, doc.id) < ($${pageParams.length - 1}::timestamptz, $${pageParams.length}::uuid)`);
      }
      pageParams.push(search.limit + 1);
      const rows: DocumentRow[] = await this.dataSource.query(
        `SELECT ${DOCUMENT_COLUMNS} FROM documents doc ${page.length ? `WHERE ${page.join(' AND ')}` : ''}
         ORDER BY doc.received_at DESC, doc.id DESC LIMIT $${pageParams.length}`,
        pageParams,
      );
      const items = rows.slice(0, search.limit);
      const last = items[items.length - 1];
      return { items, total, next: rows.length > search.limit && last ? { receivedAt: last.receivedAt, id: last.id } : undefined };
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  async document(id: string): Promise<DocumentRow | undefined> {
    const rows: DocumentRow[] = await this.query(`SELECT ${DOCUMENT_COLUMNS} FROM documents doc WHERE doc.id = $1`, [id]);
    return rows[0];
  }

  /** The chain head the documents table holds: the hash of the last event and how many there are. */
  async chainHead(id: string): Promise<{ hash: string; count: number } | undefined> {
    const rows: Array<{ hash: string; count: number }> = await this.query('SELECT last_event_hash AS hash, event_count AS count FROM documents WHERE id = $1', [id]);
    return rows[0];
  }

  deliveries(documentIds: readonly string[]): Promise<DeliveryRow[]> {
    if (documentIds.length === 0) return Promise.resolve([]);
    return this.query(
      `SELECT document_id AS "documentId", recipient_code AS "recipientCode", state, last_status_code AS "lastStatusCode", reason, updated_at AS "updatedAt", addressed_to AS "addressedTo"
       FROM deliveries WHERE document_id = ANY($1::uuid[]) ORDER BY document_id, recipient_code`,
      [documentIds],
    );
  }

  /** A document's events in chain order (seq). */
  events(documentId: string): Promise<EventRow[]> {
    return this.query(
      `SELECT id, document_id AS "documentId", seq, recipient_code AS "recipientCode", type, status_code AS "statusCode", actor, detail, at,
              prev_hash AS "prevHash", hash
       FROM events WHERE document_id = $1 ORDER BY seq`,
      [documentId],
    );
  }

  /** What a proof of delivery needs beyond the events: the package as delivered and each signed status (oldest recorded first). */
  async proofRecords(documentId: string): Promise<{ delivered: Buffer | undefined; statuses: Array<{ messageId: string; body: Buffer }> }> {
    const [delivered, statuses] = await Promise.all([
      this.query<{ body: Buffer }>('SELECT body FROM delivered_packages WHERE document_id = $1', [documentId]),
      this.query<{ messageId: string; body: Buffer }>('SELECT message_id AS "messageId", body FROM signed_statuses WHERE document_id = $1', [documentId]),
    ]);
    return { delivered: delivered[0]?.body, statuses };
  }

  /** Dead letters whose message id is the document's package id (a refused package has only these). */
  deadLettersOf(packageId: string): Promise<DeadLetterSummary[]> {
    return this.query(
      `SELECT id::text, source_queue AS "sourceQueue", code, reason, user_id AS "userId", failed_at AS "failedAt"
       FROM dead_letters WHERE message_id = $1 ORDER BY failed_at, id`,
      [packageId],
    );
  }

  /** Which of checkpoints `from`..`to` the hub has a record of. */
  async checkpointSeqs(from: number, to: number): Promise<number[]> {
    const rows: Array<{ seq: number }> = await this.query('SELECT seq::int AS seq FROM chain_checkpoints WHERE seq BETWEEN $1 AND $2 ORDER BY seq', [from, to]);
    return rows.map((r) => r.seq);
  }

  /** The entries of checkpoints `from`..`to`, each with the hash the event it names has now (null: the event is gone). */
  checkpointEntries(from: number, to: number): Promise<Array<{ checkpointSeq: number; documentId: string; count: number; hash: string; current: string | null }>> {
    return this.query(
      `SELECT c.checkpoint_seq::int AS "checkpointSeq", c.document_id AS "documentId", c.event_count AS count, c.event_hash AS hash, e.hash AS current
       FROM checkpoint_entries c LEFT JOIN events e ON e.document_id = c.document_id AND e.seq = c.event_count
       WHERE c.checkpoint_seq BETWEEN $1 AND $2 ORDER BY c.checkpoint_seq, c.document_id`,
      [from, to],
    );
  }

  /** Asks the hub for a chain checkpoint now (it takes one at its next poll), recorded in the audit log; resolves with the request's id. */
  async requestCheckpoint(by: AuditActor, at: Date): Promise<string> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const [row]: Array<{ id: string }> = await em.query('INSERT INTO checkpoint_requests (requested_by, requested_at) VALUES ($1, $2) RETURNING id::text', [by.name, at]);
        await appendAudit(em, { actor: by, action: 'checkpoint.request', target: row.id, before: null, after: { id: row.id, requestedAt: at.toISOString() } }, at);
        return row.id;
      });
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  /** A checkpoint request and, once taken, the checkpoint that answered it. */
  async checkpointRequest(id: string): Promise<{ id: string; requestedAt: Date; checkpoint: { seq: number; at: Date; head: string; token: string; publishedAt: Date | null } | null } | undefined> {
    const rows: Array<{ id: string; requestedAt: Date; seq: number | null; at: Date; head: string; token: string; publishedAt: Date | null }> = await this.query(
      `SELECT r.id::text, r.requested_at AS "requestedAt", c.seq::int AS seq, c.at, c.head, c.token, c.published_at AS "publishedAt"
       FROM checkpoint_requests r LEFT JOIN chain_checkpoints c ON c.seq = r.checkpoint_seq WHERE r.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { id: row.id, requestedAt: row.requestedAt, checkpoint: row.seq === null ? null : { seq: row.seq, at: row.at, head: row.head, token: row.token, publishedAt: row.publishedAt } };
  }

  /** Every document id, oldest first, in pages (for walking every chain). */
  async documentIds(after: string | undefined, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.query(
      after ? 'SELECT id FROM documents WHERE id > $1 ORDER BY id LIMIT $2' : 'SELECT id FROM documents ORDER BY id LIMIT $1',
      after ? [after, limit] : [limit],
    );
    return rows.map((r) => r.id);
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    try {
      return await this.dataSource.query(sql, params);
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }
}
