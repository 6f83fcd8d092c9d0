import { DataSource, EntityManager } from 'typeorm';
import { AnsweredDocument } from '@edx/edxml';
import { OutboxStore } from '@edx/messaging';
import { IncomingDocumentEntity, OutboxMessageEntity, OutgoingDocumentEntity, ReceivedCheckpointEntity, StatusRecordEntity, asStorageError, sqlValues, unnestRows } from '@edx/storage';

export type NewOutboxMessage = Pick<OutboxMessageEntity, 'messageId' | 'type' | 'routingKey' | 'headers' | 'body' | 'documentId'>;
export type NewStatusRecord = Omit<StatusRecordEntity, 'seq'>;
export type PendingMessage = OutboxMessageEntity & { payload: Buffer };

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asStorageError(error, 'The gateway database');
  }
}

/** The gateway's database: everything it sends or receives, written with its outbox row in one transaction. */
export class GatewayStore implements OutboxStore<PendingMessage> {
  constructor(
    private readonly dataSource: DataSource,
    /** Failed publishes of one row before it is parked (EDX_OUTBOX_MAX_ATTEMPTS). */
    private readonly maxAttempts = 20,
  ) {}

  /** Stores a signed outgoing package and the outbox row that will publish it (one statement, atomic). */
  saveOutgoing(d: OutgoingDocumentEntity, outbox: NewOutboxMessage): Promise<void> {
    return guarded(async () => {
      await this.dataSource.query(
        `WITH document AS (
           INSERT INTO outgoing_documents (id, agency_code, edxml_document_id, subject, recipients, package, sha256, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id)
         INSERT INTO outbox (message_id, type, routing_key, headers, document_id, created_at)
         SELECT $9, $10, $11, $12, id, now() FROM document`,
        [d.id, d.agencyCode, d.edxmlDocumentId, d.subject, d.recipients, d.package, d.sha256, d.createdAt, outbox.messageId, outbox.type, outbox.routingKey, JSON.stringify(outbox.headers)],
      );
    });
  }

  /**
   * Stores received packages with the status each answers (01 or 02) and its outbox row. A package
   * already stored for that recipient (a redelivery) is skipped, and so are its status and outbox
   * row: resolves with the keys that were new. One statement (its own transaction): the status and
   * outbox rows join the packages it inserted, so nothing answers a package that was not stored.
   */
  saveIncoming(items: ReadonlyArray<{ document: IncomingDocumentEntity; status: NewStatusRecord; outbox: NewOutboxMessage }>): Promise<Set<string>> {
    if (items.length === 0) return Promise.resolve(new Set());
    const documents = items.flatMap(({ document: d }) => [d.packageId, d.recipientCode, d.senderCode, d.edxmlDocumentId, d.subject, d.package, d.sha256, d.verdict, d.rejectCode, d.rejectReason, d.receivedAt, d.receiptAttestation, d.addressedTo ?? null]);
    const answers = unnestRows(
      items.map(({ document: d, status: s, outbox: o }) => [d.packageId, d.recipientCode, s.id, s.direction, s.fromCode, s.statusCode, s.description, s.at, s.addressedTo, o.messageId, o.type, o.routingKey, JSON.stringify(o.headers), o.body]),
      ['uuid', 'text', 'uuid', 'text', 'text', 'text', 'text', 'timestamptz', 'text', 'uuid', 'text', 'text', 'jsonb', 'bytea'],
      documents.length + 1,
    );
    return guarded(async () => {
      const inserted: Array<{ package_id: string; recipient_code: string }> = await this.dataSource.query(
        `WITH fresh AS (
           INSERT INTO incoming_documents (package_id, recipient_code, sender_code, edxml_document_id, subject, package, sha256, verdict, reject_code, reject_reason, received_at, receipt_attestation, addressed_to)
           VALUES ${sqlValues(items.length, 13)} ON CONFLICT DO NOTHING RETURNING package_id, recipient_code),
         item AS (
           SELECT * FROM ${answers.sql} WITH ORDINALITY
             AS i(package_id, recipient_code, status_id, direction, from_code, status_code, description, at, addressed_to, message_id, type, routing_key, headers, body, n)
           JOIN fresh USING (package_id, recipient_code)),
         statuses AS (
           INSERT INTO status_records (id, package_id, direction, agency_code, from_code, status_code, description, at, addressed_to)
           SELECT status_id, package_id, direction, recipient_code, from_code, status_code, description, at, addressed_to FROM item ORDER BY n
           ON CONFLICT (id) DO NOTHING),
         queued AS (
           INSERT INTO outbox (message_id, type, routing_key, headers, body, document_id, created_at)
           SELECT message_id, type, routing_key, headers, body, NULL, now() FROM item ORDER BY n)
         SELECT package_id, recipient_code FROM fresh`,
        [...documents, ...answers.params],
      );
      return new Set(inserted.map((r) => `${r.package_id}|${r.recipient_code}`));
    });
  }

  /**
   * Records statuses; resolves with the ids that were new (a redelivered status is recorded once).
   * With outbox rows too, in one transaction; statuses alone are one statement, atomic by itself.
   */
  saveStatuses(records: readonly NewStatusRecord[], outbox: readonly NewOutboxMessage[] = []): Promise<Set<string>> {
    if (records.length === 0 && outbox.length === 0) return Promise.resolve(new Set()); // no empty transaction
    if (outbox.length === 0) return guarded(() => this.insertStatuses(this.dataSource.manager, records));
    return guarded(() =>
      this.dataSource.transaction(async (em) => {
        const fresh = await this.insertStatuses(em, records);
        await this.enqueue(em, outbox);
        return fresh;
      }),
    );
  }

  /** Keeps verified chain checkpoints of the hub (a redelivered one is kept once). */
  saveCheckpoints(records: readonly ReceivedCheckpointEntity[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return guarded(async () => {
      await this.dataSource.query(
        `INSERT INTO chain_checkpoints (seq, at, head, token, received_at) VALUES ${sqlValues(records.length, 5)} ON CONFLICT (seq) DO NOTHING`,
        records.flatMap((r) => [r.seq, r.at, r.head, r.token, r.receivedAt]),
      );
    });
  }

  /** The newest chain checkpoint this gateway holds, or undefined before the first arrives. */
  latestCheckpoint(): Promise<ReceivedCheckpointEntity | undefined> {
    return guarded(async () => {
      const rows: ReceivedCheckpointEntity[] = await this.dataSource.query(
        'SELECT seq::int AS seq, at, head, token, received_at AS "receivedAt" FROM chain_checkpoints ORDER BY seq DESC LIMIT 1',
      );
      return rows[0];
    });
  }

  /** Inserts status records, skipping known ids; resolves with the ids that were new. */
  private async insertStatuses(em: EntityManager, records: readonly NewStatusRecord[]): Promise<Set<string>> {
    if (records.length === 0) return new Set();
    const rows: Array<{ id: string }> = await em.query(
      `INSERT INTO status_records (id, package_id, direction, agency_code, from_code, status_code, description, at, addressed_to)
       VALUES ${sqlValues(records.length, 9)} ON CONFLICT (id) DO NOTHING RETURNING id`,
      records.flatMap((r) => [r.id, r.packageId, r.direction, r.agencyCode, r.fromCode, r.statusCode, r.description, r.at, r.addressedTo ?? null]),
    );
    return new Set(rows.map((r) => r.id));
  }

  private async enqueue(em: EntityManager, outbox: readonly NewOutboxMessage[]): Promise<void> {
    if (outbox.length === 0) return;
    await em.query(
      `INSERT INTO outbox (message_id, type, routing_key, headers, body, document_id, created_at) VALUES ${sqlValues(outbox.length, 6, 'now()')}`,
      outbox.flatMap((o) => [o.messageId, o.type, o.routingKey, JSON.stringify(o.headers), o.body, o.documentId]),
    );
  }

  // OutboxStore: one relay per gateway process claims the oldest unpublished rows.
  claim(limit: number): Promise<PendingMessage[]> {
    return guarded(async () => {
      const rows: Array<Record<string, unknown>> = await this.dataSource.query(
        `SELECT o.id, o.message_id, o.type, o.routing_key, o.headers, o.document_id, o.attempts, COALESCE(o.body, d.package) AS payload
         FROM outbox o LEFT JOIN outgoing_documents d ON d.id = o.document_id
         WHERE o.published_at IS NULL AND o.parked_at IS NULL AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= now())
         ORDER BY o.id LIMIT $1`,
        [limit],
      );
      return rows.map((r) => ({
        id: String(r.id), messageId: r.message_id as string, type: r.type as 'package' | 'status', routingKey: r.routing_key as string,
        headers: r.headers as Record<string, unknown>, documentId: r.document_id as string | null, attempts: r.attempts as number,
        payload: r.payload as Buffer, body: null, createdAt: new Date(), publishedAt: null, lastError: null, nextAttemptAt: null, parkedAt: null,
      }));
    });
  }

  /**
   * Counts the attempt, keeps the last error, and backs the row off (1 s, 2 s, 4 s … at most 5 min);
   * after `maxAttempts` it is parked: shown with its document, never claimed again.
   */
  markFailed(failures: ReadonlyArray<{ item: PendingMessage; error: string }>): Promise<void> {
    return guarded(async () => {
      await this.dataSource.query(
        `UPDATE outbox o SET attempts = o.attempts + 1, last_error = f.error,
                next_attempt_at = now() + make_interval(secs => least(300, power(2, o.attempts))),
                parked_at = CASE WHEN o.attempts + 1 >= $3 THEN now() END
         FROM unnest($1::bigint[], $2::text[]) AS f(id, error) WHERE o.id = f.id`,
        [failures.map((f) => f.item.id), failures.map((f) => f.error.slice(0, 2000)), this.maxAttempts],
      );
    });
  }

  /** Where a sent document's outbox row stands: attempts, the last error, whether it is parked. */
  async outboxStateOf(documentId: string): Promise<{ attempts: number; lastError: string | null; parkedAt: Date | null } | undefined> {
    return guarded(async () => {
      const rows: Array<{ attempts: number; last_error: string | null; parked_at: Date | null }> = await this.dataSource.query(
        "SELECT attempts, last_error, parked_at FROM outbox WHERE document_id = $1 AND type = 'package' ORDER BY id LIMIT 1",
        [documentId],
      );
      return rows[0] && { attempts: rows[0].attempts, lastError: rows[0].last_error, parkedAt: rows[0].parked_at };
    });
  }

  /** How many outbox rows wait to be published, and how many are parked (the metrics' gauges). */
  outboxCounts(): Promise<{ pending: number; parked: number }> {
    return guarded(async () => {
      const [row]: Array<{ pending: number; parked: number }> = await this.dataSource.query(
        'SELECT count(*) FILTER (WHERE published_at IS NULL AND parked_at IS NULL)::int AS pending, count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked FROM outbox',
      );
      return row;
    });
  }

  /** When each of these documents was accepted here (the time-to-01 histogram's start). */
  sentAt(documentIds: readonly string[]): Promise<Map<string, Date>> {
    if (documentIds.length === 0) return Promise.resolve(new Map());
    return guarded(async () => {
      const rows: Array<{ id: string; created_at: Date }> = await this.dataSource.query('SELECT id, created_at FROM outgoing_documents WHERE id = ANY($1::uuid[])', [documentIds]);
      return new Map(rows.map((r) => [r.id, r.created_at]));
    });
  }

  /** Marks the rows published, and the documents they carried: one statement. */
  markPublished(items: PendingMessage[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return guarded(async () => {
      await this.dataSource.query(
        `WITH published AS (UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[]) RETURNING document_id)
         UPDATE outgoing_documents SET published_at = now() WHERE id IN (SELECT document_id FROM published) AND published_at IS NULL`,
        [items.map((i) => i.id)],
      );
    });
  }

  // Reads for the REST API.
  /**
   * An agency's inbox, oldest first, in (received_at, package_id) order. `after` is the id of the last
   * document of the previous page: the page starts strictly after it, so paging neither skips nor
   * repeats documents that arrived in the same instant. Undefined when `after` is not in this inbox.
   */
  inbox(agencyCode: string, options: { limit: number; unfetchedOnly: boolean; since?: Date; after?: string }): Promise<IncomingDocumentEntity[] | undefined> {
    return guarded(async () => {
      const qb = this.dataSource
        .getRepository(IncomingDocumentEntity)
        .createQueryBuilder('d')
        .select(['d.packageId', 'd.recipientCode', 'd.senderCode', 'd.edxmlDocumentId', 'd.subject', 'd.sha256', 'd.verdict', 'd.rejectCode', 'd.rejectReason', 'd.receivedAt', 'd.fetchedAt'])
        .where('d.recipientCode = :agencyCode', { agencyCode })
        .orderBy('d.receivedAt', 'ASC')
        .addOrderBy('d.packageId', 'ASC')
        .limit(options.limit);
      if (options.unfetchedOnly) qb.andWhere('d.fetchedAt IS NULL');
      if (options.since) qb.andWhere('d.receivedAt > :since', { since: options.since });
      // The cursor's timestamp is compared inside the database, at its precision (a JavaScript Date
      // would drop the microseconds); a cursor that is not this agency's document matches nothing.
      if (options.after) qb.andWhere('(d.receivedAt, d.packageId) > (SELECT c.received_at, c.package_id FROM incoming_documents c WHERE c.package_id = :after AND c.recipient_code = :agencyCode)', { after: options.after });
      const items = await qb.getMany();
      // Only an empty page asks whether the cursor exists: the end of the inbox, or no such document.
      if (options.after && items.length === 0) {
        const [cursor] = await this.dataSource.query('SELECT 1 FROM incoming_documents WHERE package_id = $1 AND recipient_code = $2', [options.after, agencyCode]);
        if (!cursor) return undefined;
      }
      return items;
    });
  }

  incoming(agencyCode: string, packageId: string, withPackage = false): Promise<IncomingDocumentEntity | null> {
    return guarded(() =>
      this.dataSource.getRepository(IncomingDocumentEntity).findOne({
        where: { packageId, recipientCode: agencyCode },
        select: withPackage ? undefined : ['packageId', 'recipientCode', 'senderCode', 'edxmlDocumentId', 'subject', 'sha256', 'verdict', 'rejectCode', 'rejectReason', 'receivedAt', 'fetchedAt', 'receiptAttestation', 'addressedTo'],
      }),
    );
  }

  outgoing(agencyCode: string, packageId: string, withPackage = false): Promise<OutgoingDocumentEntity | null> {
    return guarded(() =>
      this.dataSource.getRepository(OutgoingDocumentEntity).findOne({
        where: { id: packageId, agencyCode },
        select: withPackage ? undefined : ['id', 'agencyCode', 'edxmlDocumentId', 'subject', 'recipients', 'sha256', 'createdAt', 'publishedAt'],
      }),
    );
  }

  markFetched(agencyCode: string, packageId: string): Promise<void> {
    return guarded(async () => {
      await this.dataSource.query('UPDATE incoming_documents SET fetched_at = now() WHERE package_id = $1 AND recipient_code = $2 AND fetched_at IS NULL', [packageId, agencyCode]);
    });
  }

  /**
   * The documents statuses received by hosted agencies are about, by "agency|package id": for a
   * document the agency sent, its recipients; for one it received, its sender (and the agency itself
   * as the recipient). Absent: the agency has no such document.
   */
  answeredDocuments(keys: ReadonlyArray<{ agencyCode: string; packageId: string }>): Promise<Map<string, AnsweredDocument>> {
    const found = new Map<string, AnsweredDocument>();
    if (keys.length === 0) return Promise.resolve(found);
    const params = [keys.map((k) => k.packageId), keys.map((k) => k.agencyCode)];
    return guarded(async () => {
      const [sent, received]: [Array<{ id: string; agency_code: string; edxml_document_id: string; recipients: string[] }>, Array<{ package_id: string; recipient_code: string; sender_code: string; edxml_document_id: string }>] = await Promise.all([
        this.dataSource.query(
          'SELECT id, agency_code, edxml_document_id, recipients FROM outgoing_documents WHERE (id, agency_code) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))',
          params,
        ),
        this.dataSource.query(
          'SELECT package_id, recipient_code, sender_code, edxml_document_id FROM incoming_documents WHERE (package_id, recipient_code) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))',
          params,
        ),
      ]);
      for (const r of received) found.set(`${r.recipient_code}|${r.package_id}`, { senderCode: r.sender_code, edxmlDocumentId: r.edxml_document_id, recipients: new Set([r.recipient_code]) });
      for (const d of sent) found.set(`${d.agency_code}|${d.id}`, { senderCode: d.agency_code, edxmlDocumentId: d.edxml_document_id, recipients: new Set(d.recipients) });
      return found;
    });
  }

  statuses(packageId: string): Promise<StatusRecordEntity[]> {
    return guarded(() => this.dataSource.getRepository(StatusRecordEntity).find({ where: { packageId }, order: { seq: 'ASC' } }));
  }
}
