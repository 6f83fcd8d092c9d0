import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveryState, GENESIS_HASH, asStorageError, eventHash, inChunks } from '@edx/storage';
import { nextDeliveryState } from '@edx/edxml';
import { DeliveredCopy, EventInput, KnownDocument, PackageRecord, StatusRecord, StatusResult, statusKey } from './exchange-records';

/** A delivery the hub held for a suspended recipient, with the copy as it was recorded. */
export interface HeldCopy {
  readonly documentId: string;
  readonly recipientCode: string;
  readonly senderSystem: string;
  readonly body: Buffer;
  readonly attestation: string;
  readonly headHash: string;
  readonly headCount: number;
}

interface ChainHead {
  hash: string;
  count: number;
}

/**
 * The hub's writes. One call commits one consumed batch in one transaction (that is what makes
 * thousands of documents per second possible on one PostgreSQL connection), appending each
 * document's events to its hash chain under a row lock.
 */
export class ExchangeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records packages and statuses. Resolves with which packages were new (a known package id is a
   * redelivery: nothing is written twice) and what each status did (by statusKey). Rejects STORAGE_UNAVAILABLE
   * when the database is away (the caller retries the batch).
   */
  async commit(
    packages: readonly PackageRecord[],
    statuses: readonly StatusRecord[],
  ): Promise<{ newPackages: Set<string>; storedDigests: Map<string, string>; statusResults: Map<string, StatusResult> }> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const newPackages = await this.insertPackages(em, packages);
        // The digest each package id is recorded with, so a caller can tell a redelivery from a replay.
        const storedDigests = new Map<string, string>();
        if (packages.length > 0) {
          const rows: Array<{ id: string; sha256: string }> = await em.query('SELECT id, sha256 FROM documents WHERE id = ANY($1::uuid[])', [packages.map((p) => p.packageId)]);
          for (const row of rows) storedDigests.set(row.id, row.sha256);
        }
        const statusResults = await this.applyStatuses(em, statuses);
        return { newPackages, storedDigests, statusResults };
      });
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  private async insertPackages(em: EntityManager, packages: readonly PackageRecord[]): Promise<Set<string>> {
    if (packages.length === 0) return new Set();
    // The first occurrence of an id in the batch is the one recorded.
    const unique = [...new Map([...packages].reverse().map((p) => [p.packageId, p])).values()];
    const params: unknown[] = [];
    for (const p of unique) {
      params.push(p.packageId, p.edxmlDocumentId, p.senderCode, p.senderSystem, p.subject, p.codeNumber, p.codeNotation, p.businessType, p.sha256, p.size, p.receivedAt, p.dueDate, GENESIS_HASH);
    }
    const inserted = await inChunks<{ id: string }>(params, 13, (values, chunk) =>
      em.query(
        `INSERT INTO documents (id, edxml_document_id, sender_code, sender_system, subject, code_number, code_notation, business_type, sha256, size, received_at, due_date, last_event_hash)
         VALUES ${values} ON CONFLICT (id) DO NOTHING RETURNING id`,
        chunk,
      ),
    );
    const fresh = new Set(inserted.map((r) => r.id));
    const created = unique.filter((p) => fresh.has(p.packageId));
    if (created.length === 0) return fresh;

    const deliveries: unknown[] = [];
    const heldDeliveries: unknown[] = [];
    const events = new Map<string, EventInput[]>();
    for (const p of created) {
      const list: EventInput[] = [
        { recipientCode: null, type: 'received', statusCode: null, actor: p.senderSystem, detail: { sha256: p.sha256, size: p.size, subject: p.subject, sentAt: p.sentAt, signatures: p.signatures.map((sig) => ({ ...sig, verdict: 'valid' })), attestation: p.delivered.attestation }, at: p.receivedAt },
      ];
      // A successor's delivery keeps the retired code the sender addressed, in its row and its event.
      const addressed = (code: string) => p.addressedTo?.[code];
      const noted = (code: string) => (addressed(code) ? { addressedTo: addressed(code) } : {});
      for (const code of p.routed) {
        deliveries.push(p.packageId, code, 'routed', null, null, p.receivedAt, addressed(code) ?? null);
        list.push({ recipientCode: code, type: 'routed', statusCode: null, actor: 'hub', detail: noted(code), at: p.receivedAt });
      }
      for (const code of p.held) {
        heldDeliveries.push(p.packageId, code, p.receivedAt);
        list.push({ recipientCode: code, type: 'held', statusCode: null, actor: 'hub', detail: { code: 'AGENCY_SUSPENDED', reason: `The recipient agency ${code} is suspended; the hub holds the document until it is resumed.` }, at: p.receivedAt });
      }
      for (const r of p.rejected) {
        deliveries.push(p.packageId, r.recipientCode, 'rejected', '02', `${r.code}: ${r.reason}`, p.receivedAt, addressed(r.recipientCode) ?? null);
        list.push({ recipientCode: r.recipientCode, type: 'rejected', statusCode: '02', actor: 'hub', detail: { code: r.code, reason: r.reason, ...noted(r.recipientCode) }, at: p.receivedAt });
      }
      events.set(p.packageId, list);
    }
    await inChunks(deliveries, 7, (values, chunk) =>
      em.query(`INSERT INTO deliveries (document_id, recipient_code, state, last_status_code, reason, updated_at, addressed_to) VALUES ${values}`, chunk),
    );
    await inChunks(heldDeliveries, 3, (values, chunk) =>
      em.query(`INSERT INTO deliveries (document_id, recipient_code, state, updated_at, held_since) SELECT v.d::uuid, v.r, 'routed', v.at::timestamptz, v.at::timestamptz FROM (VALUES ${values}) AS v(d, r, at)`, chunk),
    );
    await inChunks(created.flatMap((p) => [p.packageId, p.delivered.body]), 2, (values, chunk) => em.query(`INSERT INTO delivered_packages (document_id, body) VALUES ${values}`, chunk));
    const heads = new Map(created.map((p) => [p.packageId, { hash: GENESIS_HASH, count: 0 }]));
    await this.appendEvents(em, events, heads);
    return fresh;
  }

  private async applyStatuses(em: EntityManager, statuses: readonly StatusRecord[]): Promise<Map<string, StatusResult>> {
    const results = new Map<string, StatusResult>();
    if (statuses.length === 0) return results;
    // Deduplicated per author (statusKey): processed_messages holds "author|message id".
    const unique = [...new Map(statuses.map((s) => [statusKey(s), s])).values()];
    const fresh = await inChunks<{ message_id: string }>(
      unique.flatMap((s) => [statusKey(s), s.at]),
      2,
      (values, chunk) => em.query(`INSERT INTO processed_messages (message_id, processed_at) VALUES ${values} ON CONFLICT (message_id) DO NOTHING RETURNING message_id`, chunk),
    );
    const freshKeys = new Set(fresh.map((r) => r.message_id));
    for (const s of unique) if (!freshKeys.has(statusKey(s))) results.set(statusKey(s), { duplicate: true });
    const toApply = unique.filter((s) => freshKeys.has(statusKey(s)));
    if (toApply.length === 0) return results;

    const documentIds = [...new Set(toApply.map((s) => s.packageId))].sort();
    // Lock in a stable order so two hub copies never deadlock on the same documents.
    const headRows: Array<{ id: string; last_event_hash: string; event_count: number }> = await em.query(
      'SELECT id, last_event_hash, event_count FROM documents WHERE id = ANY($1) ORDER BY id FOR UPDATE',
      [documentIds],
    );
    const heads = new Map<string, ChainHead>(headRows.map((r) => [r.id, { hash: r.last_event_hash, count: r.event_count }]));
    const deliveryRows: Array<{ document_id: string; recipient_code: string; state: DeliveryState }> = await em.query(
      'SELECT document_id, recipient_code, state FROM deliveries WHERE document_id = ANY($1)',
      [documentIds],
    );
    const states = new Map(deliveryRows.map((d) => [`${d.document_id}|${d.recipient_code}`, d.state]));
    const changed = new Map<string, { documentId: string; recipient: string; state: DeliveryState; code: string; reason: string | null; at: Date }>();
    const events = new Map<string, EventInput[]>();

    for (const s of toApply) {
      const key = `${s.packageId}|${s.fromCode}`;
      const before = states.get(key);
      const after = before === undefined ? undefined : nextDeliveryState(before, s.statusCode);
      if (before !== undefined && after !== undefined && after !== before) {
        states.set(key, after);
        changed.set(key, { documentId: s.packageId, recipient: s.fromCode, state: after, code: s.statusCode, reason: s.statusCode === '02' ? s.description : null, at: s.at });
      }
      const list = events.get(s.packageId) ?? [];
      list.push({
        recipientCode: s.fromCode,
        type: 'status',
        statusCode: s.statusCode,
        actor: s.actor,
        detail: { messageId: s.messageId, description: s.description, moved: after !== before, state: after ?? null, ...(s.signed ? { sha256: createHash('sha256').update(s.signed).digest('hex') } : {}) },
        at: s.at,
      });
      events.set(s.packageId, list);
      results.set(statusKey(s), { duplicate: false, state: after });
    }
    if (changed.size > 0) {
      const rows = [...changed.values()];
      await inChunks(rows.flatMap((c) => [c.documentId, c.recipient, c.state, c.code, c.reason, c.at]), 6, (values, chunk) =>
        em.query(
          `UPDATE deliveries d SET state = v.state, last_status_code = v.code, reason = COALESCE(v.reason, d.reason), updated_at = v.at::timestamptz
           FROM (VALUES ${values}) AS v(document_id, recipient_code, state, code, reason, at)
           WHERE d.document_id = v.document_id::uuid AND d.recipient_code = v.recipient_code`,
          chunk,
        ),
      );
    }
    const signed = toApply.filter((s) => s.signed && heads.has(s.packageId));
    await inChunks(signed.flatMap((s) => [s.messageId, s.fromCode, s.packageId, s.signed]), 4, (values, chunk) => em.query(`INSERT INTO signed_statuses (message_id, author, document_id, body) VALUES ${values}`, chunk));
    await this.appendEvents(em, events, heads);
    return results;
  }

  /** Appends events to each document's chain and moves the chain heads, in one insert and one update. */
  private async appendEvents(em: EntityManager, events: Map<string, EventInput[]>, heads: Map<string, ChainHead>): Promise<void> {
    const rows: unknown[] = [];
    const headUpdates: unknown[] = [];
    for (const [documentId, list] of events) {
      const head = heads.get(documentId);
      if (!head) continue;
      let { hash, count: seq } = head;
      for (const e of list) {
        seq++;
        const fields = { id: randomUUID(), documentId, seq, recipientCode: e.recipientCode, type: e.type, statusCode: e.statusCode, actor: e.actor, detail: e.detail, at: e.at, prevHash: hash };
        hash = eventHash(fields);
        rows.push(fields.id, documentId, seq, e.recipientCode, e.type, e.statusCode, e.actor, JSON.stringify(e.detail), e.at, fields.prevHash, hash);
      }
      headUpdates.push(documentId, hash, seq);
    }
    if (rows.length === 0) return;
    await inChunks(rows, 11, (values, chunk) =>
      em.query(`INSERT INTO events (id, document_id, seq, recipient_code, type, status_code, actor, detail, at, prev_hash, hash) VALUES ${values}`, chunk),
    );
    await inChunks(headUpdates, 3, (values, chunk) =>
      em.query(`UPDATE documents d SET last_event_hash = v.hash, event_count = v.seq::int FROM (VALUES ${values}) AS v(id, hash, seq) WHERE d.id = v.id::uuid`, chunk),
    );
  }

  /**
   * Releases deliveries held for a recipient that is active again (EDX_SUSPENDED_RECIPIENT=hold), up to
   * `limit`, oldest first: `send` publishes each copy as the hub recorded it and resolves with the keys
   * (`documentId|recipient`) it published; those are marked released, with a `released` event, in the
   * same transaction. Rows and documents are locked with SKIP LOCKED, so hub copies share the work and
   * never wait on a batch. A crash after publishing releases them again: receivers deduplicate by
   * package id. Resolves with how many were released; rejects STORAGE_UNAVAILABLE when the database is away.
   */
  async releaseHeld(limit: number, send: (copies: HeldCopy[]) => Promise<Set<string>>): Promise<number> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const copies: HeldCopy[] = await em.query(
          `SELECT d.document_id AS "documentId", d.recipient_code AS "recipientCode", doc.sender_system AS "senderSystem", p.body,
                  e.detail->>'attestation' AS attestation, doc.last_event_hash AS "headHash", doc.event_count AS "headCount"
           FROM deliveries d JOIN agencies a ON a.code = d.recipient_code AND a.status = 'active'
             JOIN documents doc ON doc.id = d.document_id JOIN delivered_packages p ON p.document_id = d.document_id
             JOIN events e ON e.document_id = d.document_id AND e.seq = 1
           WHERE d.held_since IS NOT NULL ORDER BY d.held_since, d.document_id LIMIT $1 FOR UPDATE OF d, doc SKIP LOCKED`,
          [limit],
        );
        if (copies.length === 0) return 0;
        const sent = await send(copies);
        const released = copies.filter((c) => sent.has(`${c.documentId}|${c.recipientCode}`));
        if (released.length === 0) return 0;
        const now = new Date();
        await inChunks(released.flatMap((c) => [c.documentId, c.recipientCode]), 2, (values, chunk) =>
          em.query(`UPDATE deliveries d SET held_since = NULL, updated_at = now() FROM (VALUES ${values}) AS v(document_id, recipient_code) WHERE d.document_id = v.document_id::uuid AND d.recipient_code = v.recipient_code`, chunk),
        );
        const heads = new Map<string, ChainHead>();
        const events = new Map<string, EventInput[]>();
        for (const c of released) {
          heads.set(c.documentId, { hash: c.headHash, count: c.headCount });
          const list = events.get(c.documentId) ?? [];
          list.push({ recipientCode: c.recipientCode, type: 'released', statusCode: null, actor: 'hub', detail: {}, at: now });
          events.set(c.documentId, list);
        }
        await this.appendEvents(em, events, heads);
        return released.length;
      });
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  /** The copies these packages were first recorded with (bytes as delivered, attestation), for sending a redelivered package on unchanged. */
  async deliveredCopies(packageIds: readonly string[]): Promise<Map<string, DeliveredCopy>> {
    const found = new Map<string, DeliveredCopy>();
    if (packageIds.length === 0) return found;
    const rows: Array<{ id: string; body: Buffer; attestation: string | null }> = await this.dataSource.query(
      `SELECT p.document_id AS id, p.body, e.detail->>'attestation' AS attestation
       FROM delivered_packages p JOIN events e ON e.document_id = p.document_id AND e.seq = 1 WHERE p.document_id = ANY($1::uuid[])`,
      [[...new Set(packageIds)]],
    );
    for (const row of rows) if (row.attestation) found.set(row.id, { body: row.body, attestation: row.attestation });
    return found;
  }

  /** The recipients a document was routed to (for re-publishing after a redelivery). */
  async routedRecipients(packageId: string): Promise<string[]> {
    const rows: Array<{ recipient_code: string }> = await this.dataSource.query(
      "SELECT recipient_code FROM deliveries WHERE document_id = $1 AND state <> 'rejected' ORDER BY recipient_code",
      [packageId],
    );
    return rows.map((r) => r.recipient_code);
  }

  /** The documents with these package ids: their sender, edXML DocumentId, every recipient, and those not rejected (where a recall goes). */
  async findDocuments(packageIds: readonly string[]): Promise<Map<string, KnownDocument>> {
    const found = new Map<string, KnownDocument>();
    if (packageIds.length === 0) return found;
    const rows: Array<{ id: string; sender_code: string; edxml_document_id: string; recipients: string[] | null; live: string[] | null; redirected: Array<[string, string]> | null }> = await this.dataSource.query(
      `SELECT d.id, d.sender_code, d.edxml_document_id,
              array_remove(array_agg(v.recipient_code ORDER BY v.recipient_code), NULL) AS recipients,
              array_remove(array_agg(CASE WHEN v.state <> 'rejected' THEN v.recipient_code END ORDER BY v.recipient_code), NULL) AS live,
              json_agg(json_build_array(v.recipient_code, v.addressed_to)) FILTER (WHERE v.addressed_to IS NOT NULL) AS redirected
       FROM documents d LEFT JOIN deliveries v ON v.document_id = d.id
       WHERE d.id = ANY($1::uuid[]) GROUP BY d.id`,
      [[...new Set(packageIds)]],
    );
    for (const row of rows) {
      found.set(row.id, { senderCode: row.sender_code, edxmlDocumentId: row.edxml_document_id, recipients: new Set(row.recipients ?? []), liveRecipients: row.live ?? [], addressedTo: new Map(row.redirected ?? []) });
    }
    return found;
  }
}
