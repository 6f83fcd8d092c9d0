import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveryState, GENESIS_HASH, asStorageError, eventHash, inChunks, unnestRows } from '@edx/storage';
import { nextDeliveryState } from '@edx/edxml';
import { DeliveredCopy, DocumentHead, EventInput, KnownDocument, PackageRecord, StatusRecord, StatusResult, statusKey } from './exchange-records';

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

const EVENT_COLUMNS = 'id, document_id, seq, recipient_code, type, status_code, actor, detail, at, prev_hash, hash';
const EVENT_TYPES = ['uuid', 'uuid', 'int', 'text', 'text', 'text', 'text', 'jsonb', 'timestamptz', 'text', 'text'];

/** Chains `list` onto a document's `head`: pushes each event's row (EVENT_COLUMNS) to `rows`, returns the new head. */
function chain(documentId: string, list: readonly EventInput[], head: ChainHead, rows: unknown[][]): ChainHead {
  let { hash, count: seq } = head;
  for (const e of list) {
    seq++;
    const fields = { id: randomUUID(), documentId, seq, recipientCode: e.recipientCode, type: e.type, statusCode: e.statusCode, actor: e.actor, detail: e.detail, at: e.at, prevHash: hash };
    hash = eventHash(fields);
    rows.push([fields.id, documentId, seq, e.recipientCode, e.type, e.statusCode, e.actor, JSON.stringify(e.detail), e.at, fields.prevHash, hash]);
  }
  return { hash, count: seq };
}

/** A status's event on its document and where it moves the author's delivery, planned from the states read. */
interface StatusPlan {
  /** One row per delivery that moves: document, recipient, state, status code, reason, at. */
  readonly changed: unknown[][];
  readonly events: Map<string, EventInput[]>;
  readonly results: Map<string, StatusResult>;
}

/** A batch's statuses, each author's message once (statusKey): the last copy of a key wins, as it always did. */
function uniqueStatuses(statuses: readonly StatusRecord[]): StatusRecord[] {
  return [...new Map(statuses.map((s) => [statusKey(s), s])).values()];
}

/** Plans `statuses` (in order) against `states` (`documentId|recipient` -> state, updated as statuses move them). */
function planStatuses(statuses: readonly StatusRecord[], states: Map<string, DeliveryState>): StatusPlan {
  const changed = new Map<string, unknown[]>();
  const events = new Map<string, EventInput[]>();
  const results = new Map<string, StatusResult>();
  for (const s of statuses) {
    const key = `${s.packageId}|${s.fromCode}`;
    const before = states.get(key);
    const after = before === undefined ? undefined : nextDeliveryState(before, s.statusCode);
    if (before !== undefined && after !== undefined && after !== before) {
      states.set(key, after);
      changed.set(key, [s.packageId, s.fromCode, after, s.statusCode, s.statusCode === '02' ? s.description : null, s.at]);
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
  return { changed: [...changed.values()], events, results };
}

/** The CTEs that move deliveries and keep signed receipts, numbering their parameters from $1. */
function statusWrites(statuses: readonly StatusRecord[], plan: StatusPlan, documents: { has(id: string): boolean }): { ctes: string[]; params: unknown[][] } {
  const moved = unnestRows(plan.changed, ['uuid', 'text', 'text', 'text', 'text', 'timestamptz']);
  const signed = unnestRows(statuses.filter((s) => s.signed && documents.has(s.packageId)).map((s) => [s.messageId, s.fromCode, s.packageId, s.signed]), ['text', 'text', 'uuid', 'bytea'], 7);
  return {
    ctes: [
      `moved AS (
         UPDATE deliveries d SET state = v.state, last_status_code = v.code, reason = COALESCE(v.reason, d.reason), updated_at = v.at
         FROM ${moved.sql} AS v(document_id, recipient_code, state, code, reason, at)
         WHERE d.document_id = v.document_id AND d.recipient_code = v.recipient_code)`,
      `receipts AS (INSERT INTO signed_statuses (message_id, author, document_id, body) SELECT * FROM ${signed.sql})`,
    ],
    params: [...moved.params, ...signed.params],
  };
}

/** SQLSTATEs of an optimistic status commit that met another writer: edx_require's (a head moved, a duplicate) and a chain position taken. */
const STALE_WRITE_CODES: ReadonlySet<string> = new Set(['EDX01', '23505']);

/**
 * The hub's writes. One call commits one consumed batch atomically, in few round trips (a batch of
 * packages alone is one statement; with statuses, one transaction), which is what makes thousands of
 * documents per second possible on one PostgreSQL connection, appending each document's events to
 * its hash chain under a row lock.
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
    /** The documents the statuses are about, as findDocuments read them: statuses alone then commit in one statement unless a document moved on meanwhile. */
    known?: ReadonlyMap<string, KnownDocument>,
  ): Promise<{ newPackages: Set<string>; storedDigests: Map<string, string>; statusResults: Map<string, StatusResult> }> {
    try {
      if (packages.length === 0 && statuses.length > 0 && known) {
        const statusResults = await this.applyStatusesAsRead(statuses, known);
        if (statusResults) return { newPackages: new Set(), storedDigests: new Map(), statusResults };
      }
      // Packages alone are one statement, atomic by itself: no transaction to open and close around it.
      if (statuses.length === 0) return { ...(await this.insertPackages(this.dataSource.manager, packages)), statusResults: new Map() };
      return await this.dataSource.transaction(async (em) => {
        const recorded = await this.insertPackages(em, packages);
        return { ...recorded, statusResults: await this.applyStatuses(em, statuses) };
      });
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  /**
   * Records the new packages in one statement: the documents (with their chain heads already moved
   * past their first events), their deliveries, delivered bytes and events, each joined to the
   * documents the statement inserted, so a known package id (a redelivery) writes nothing. Resolves
   * with the new ids and the digest each id is recorded with (a caller tells a redelivery from a
   * replay by it); the digests of known ids take a second query, only when there are any.
   */
  private async insertPackages(em: EntityManager, packages: readonly PackageRecord[]): Promise<{ newPackages: Set<string>; storedDigests: Map<string, string> }> {
    if (packages.length === 0) return { newPackages: new Set(), storedDigests: new Map() };
    // The first occurrence of an id in the batch is the one recorded.
    const unique = [...new Map([...packages].reverse().map((p) => [p.packageId, p])).values()];
    const documentRows: unknown[][] = [];
    const deliveryRows: unknown[][] = [];
    const eventRows: unknown[][] = [];
    for (const p of unique) {
      const list: EventInput[] = [
        { recipientCode: null, type: 'received', statusCode: null, actor: p.senderSystem, detail: { sha256: p.sha256, size: p.size, subject: p.subject, sentAt: p.sentAt, signatures: p.signatures.map((sig) => ({ ...sig, verdict: 'valid' })), attestation: p.delivered.attestation }, at: p.receivedAt },
      ];
      // A successor's delivery keeps the retired code the sender addressed, in its row and its event.
      const addressed = (code: string) => p.addressedTo?.[code];
      const noted = (code: string) => (addressed(code) ? { addressedTo: addressed(code) } : {});
      for (const code of p.routed) {
        deliveryRows.push([p.packageId, code, 'routed', null, null, p.receivedAt, addressed(code), null]);
        list.push({ recipientCode: code, type: 'routed', statusCode: null, actor: 'hub', detail: noted(code), at: p.receivedAt });
      }
      for (const code of p.held) {
        deliveryRows.push([p.packageId, code, 'routed', null, null, p.receivedAt, null, p.receivedAt]);
        list.push({ recipientCode: code, type: 'held', statusCode: null, actor: 'hub', detail: { code: 'AGENCY_SUSPENDED', reason: `The recipient agency ${code} is suspended; the hub holds the document until it is resumed.` }, at: p.receivedAt });
      }
      for (const r of p.rejected) {
        deliveryRows.push([p.packageId, r.recipientCode, 'rejected', '02', `${r.code}: ${r.reason}`, p.receivedAt, addressed(r.recipientCode), null]);
        list.push({ recipientCode: r.recipientCode, type: 'rejected', statusCode: '02', actor: 'hub', detail: { code: r.code, reason: r.reason, ...noted(r.recipientCode) }, at: p.receivedAt });
      }
      const head = chain(p.packageId, list, { hash: GENESIS_HASH, count: 0 }, eventRows);
      documentRows.push([p.packageId, p.edxmlDocumentId, p.senderCode, p.senderSystem, p.subject, p.codeNumber, p.codeNotation, p.businessType, p.sha256, p.size, p.receivedAt, p.dueDate, head.hash, head.count]);
    }
    const documents = unnestRows(documentRows, ['uuid', 'text', 'text', 'text', 'text', 'text', 'text', 'smallint', 'text', 'bigint', 'timestamptz', 'timestamptz', 'text', 'int']);
    const deliveries = unnestRows(deliveryRows, ['uuid', 'text', 'text', 'text', 'text', 'timestamptz', 'text', 'timestamptz'], 15);
    const delivered = unnestRows(unique.map((p) => [p.packageId, p.delivered.body]), ['uuid', 'bytea'], 23);
    const events = unnestRows(eventRows, EVENT_TYPES, 25);
    const blobs = unnestRows(unique.flatMap((p) => (p.blobs ?? []).map((sha256) => [p.packageId, sha256])), ['uuid', 'text'], 25 + EVENT_TYPES.length);
    const inserted: Array<{ id: string }> = await em.query(
      `WITH fresh AS (
         INSERT INTO documents (id, edxml_document_id, sender_code, sender_system, subject, code_number, code_notation, business_type, sha256, size, received_at, due_date, last_event_hash, event_count)
         SELECT * FROM ${documents.sql} ON CONFLICT (id) DO NOTHING RETURNING id),
       deliveries AS (
         INSERT INTO deliveries (document_id, recipient_code, state, last_status_code, reason, updated_at, addressed_to, held_since)
         SELECT v.* FROM ${deliveries.sql} AS v(document_id, recipient_code, state, last_status_code, reason, updated_at, addressed_to, held_since) JOIN fresh ON fresh.id = v.document_id),
       delivered AS (
         INSERT INTO delivered_packages (document_id, body)
         SELECT v.* FROM ${delivered.sql} AS v(document_id, body) JOIN fresh ON fresh.id = v.document_id),
       chained AS (
         INSERT INTO events (${EVENT_COLUMNS})
         SELECT v.* FROM ${events.sql} AS v(${EVENT_COLUMNS}) JOIN fresh ON fresh.id = v.document_id),
       claimed AS (
         INSERT INTO document_blobs (document_id, sha256)
         SELECT DISTINCT v.* FROM ${blobs.sql} AS v(document_id, sha256) JOIN fresh ON fresh.id = v.document_id)
       SELECT id FROM fresh`,
      [...documents.params, ...deliveries.params, ...delivered.params, ...events.params, ...blobs.params],
    );
    const newPackages = new Set(inserted.map((r) => r.id));
    const storedDigests = new Map(unique.filter((p) => newPackages.has(p.packageId)).map((p) => [p.packageId, p.sha256]));
    const known = unique.filter((p) => !newPackages.has(p.packageId)).map((p) => p.packageId);
    if (known.length > 0) {
      const rows: Array<{ id: string; sha256: string }> = await em.query('SELECT id, sha256 FROM documents WHERE id = ANY($1::uuid[])', [known]);
      for (const row of rows) storedDigests.set(row.id, row.sha256);
    }
    return { newPackages, storedDigests };
  }

  /**
   * Applies statuses in three statements: the deduplication, the documents' chain heads (locked)
   * with their deliveries' states, then every write (deliveries moved, signed receipts, events, the
   * heads) in one.
   */
  private async applyStatuses(em: EntityManager, statuses: readonly StatusRecord[]): Promise<Map<string, StatusResult>> {
    const results = new Map<string, StatusResult>();
    if (statuses.length === 0) return results;
    // Deduplicated per author (statusKey): processed_messages holds "author|message id".
    const unique = uniqueStatuses(statuses);
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
    // Lock in a stable order so two hub copies never deadlock on the same documents; each document's deliveries come with it.
    const rows: Array<{ id: string; last_event_hash: string; event_count: number; recipient_code: string | null; state: DeliveryState | null }> = await em.query(
      `SELECT d.id, d.last_event_hash, d.event_count, dl.recipient_code, dl.state
       FROM documents d LEFT JOIN deliveries dl ON dl.document_id = d.id
       WHERE d.id = ANY($1::uuid[]) ORDER BY d.id FOR UPDATE OF d`,
      [documentIds],
    );
    const heads = new Map<string, ChainHead>(rows.map((r) => [r.id, { hash: r.last_event_hash, count: r.event_count }]));
    const states = new Map(rows.filter((r) => r.recipient_code !== null).map((r) => [`${r.id}|${r.recipient_code}`, r.state!]));
    const plan = planStatuses(toApply, states);
    await this.appendEvents(em, plan.events, heads, statusWrites(toApply, plan, heads));
    for (const [key, result] of plan.results) results.set(key, result);
    return results;
  }

  /**
   * Applies statuses in one statement, from the chain heads and delivery states findDocuments read
   * (no lock, no transaction to open): the deduplication, the moves, the receipts and the events,
   * with each head moved only from the head read. If a head moved meanwhile (another hub copy, a
   * batch beside this one) or a status was already processed, the statement undoes itself and this
   * resolves undefined: the caller applies them the locking way. Undefined too when a document was
   * not read (its package is in this batch).
   */
  private async applyStatusesAsRead(statuses: readonly StatusRecord[], known: ReadonlyMap<string, KnownDocument>): Promise<Map<string, StatusResult> | undefined> {
    const unique = uniqueStatuses(statuses);
    const heads = new Map<string, DocumentHead>();
    for (const s of unique) {
      const head = known.get(s.packageId)?.head;
      if (!head) return undefined;
      heads.set(s.packageId, head);
    }
    const states = new Map<string, DeliveryState>();
    for (const [documentId, head] of heads) for (const [recipient, state] of head.states) states.set(`${documentId}|${recipient}`, state);
    const plan = planStatuses(unique, states);
    const writes = statusWrites(unique, plan, heads);
    const dedupe = unnestRows(unique.map((s) => [statusKey(s), s.at]), ['text', 'timestamptz'], writes.params.length + 1);
    try {
      await this.appendEvents(this.dataSource.manager, plan.events, heads, {
        ctes: [...writes.ctes, `fresh AS (INSERT INTO processed_messages (message_id, processed_at) SELECT * FROM ${dedupe.sql} ON CONFLICT (message_id) DO NOTHING RETURNING 1)`],
        params: [...writes.params, ...dedupe.params],
        asRead: `(SELECT count(*) FROM fresh) = ${unique.length}`,
      });
      return plan.results;
    } catch (error) {
      if (STALE_WRITE_CODES.has((error as { code?: string }).code ?? '')) return undefined;
      throw error;
    }
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
        const unheld = unnestRows(released.map((c) => [c.documentId, c.recipientCode]), ['uuid', 'text']);
        const heads = new Map<string, ChainHead>();
        const events = new Map<string, EventInput[]>();
        for (const c of released) {
          heads.set(c.documentId, { hash: c.headHash, count: c.headCount });
          const list = events.get(c.documentId) ?? [];
          list.push({ recipientCode: c.recipientCode, type: 'released', statusCode: null, actor: 'hub', detail: {}, at: now });
          events.set(c.documentId, list);
        }
        await this.appendEvents(em, events, heads, {
          ctes: [`unheld AS (UPDATE deliveries d SET held_since = NULL, updated_at = now() FROM ${unheld.sql} AS v(document_id, recipient_code) WHERE d.document_id = v.document_id AND d.recipient_code = v.recipient_code)`],
          params: unheld.params,
        });
        return released.length;
      });
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  /**
   * Appends events to each document's chain and moves the chain heads, in one statement with `also`'s
   * writes (CTEs numbering their parameters from $1), so a batch's writes are one round trip. With
   * `asRead` (an SQL condition on those CTEs), each head moves only from the head given, and the
   * statement fails with SQLSTATE EDX01, writing nothing, unless every head did and the condition holds.
   */
  private async appendEvents(em: EntityManager, events: ReadonlyMap<string, readonly EventInput[]>, heads: ReadonlyMap<string, ChainHead>, also: { ctes: string[]; params: unknown[][]; asRead?: string }): Promise<void> {
    const eventRows: unknown[][] = [];
    const headRows: unknown[][] = [];
    for (const [documentId, list] of events) {
      const head = heads.get(documentId);
      if (!head) continue;
      const moved = chain(documentId, list, head, eventRows);
      headRows.push([documentId, moved.hash, moved.count, head.hash]);
    }
    const chained = unnestRows(eventRows, EVENT_TYPES, also.params.length + 1);
    const moveHeads = unnestRows(headRows, ['uuid', 'text', 'int', 'text'], also.params.length + EVENT_TYPES.length + 1);
    const ctes = [...also.ctes, `chained AS (INSERT INTO events (${EVENT_COLUMNS}) SELECT * FROM ${chained.sql})`].join(',\n');
    const moveHeadsSql = `UPDATE documents d SET last_event_hash = v.hash, event_count = v.seq FROM ${moveHeads.sql} AS v(id, hash, seq, prev) WHERE d.id = v.id`;
    await em.query(
      also.asRead === undefined
        ? `WITH ${ctes} ${moveHeadsSql}`
        : `WITH ${ctes}, heads AS (${moveHeadsSql} AND d.last_event_hash = v.prev RETURNING 1)
           SELECT edx_require((SELECT count(*) FROM heads) = ${headRows.length} AND ${also.asRead})`,
      [...also.params, ...chained.params, ...moveHeads.params],
    );
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
    const rows: Array<{ id: string; sender_code: string; edxml_document_id: string; last_event_hash: string; event_count: number; recipients: string[] | null; live: string[] | null; redirected: Array<[string, string]> | null; states: Array<[string, DeliveryState]> | null }> = await this.dataSource.query(
      `SELECT d.id, d.sender_code, d.edxml_document_id, d.last_event_hash, d.event_count,
              json_agg(json_build_array(v.recipient_code, v.state)) FILTER (WHERE v.recipient_code IS NOT NULL) AS states,
              array_remove(array_agg(v.recipient_code ORDER BY v.recipient_code), NULL) AS recipients,
              array_remove(array_agg(CASE WHEN v.state <> 'rejected' THEN v.recipient_code END ORDER BY v.recipient_code), NULL) AS live,
              json_agg(json_build_array(v.recipient_code, v.addressed_to)) FILTER (WHERE v.addressed_to IS NOT NULL) AS redirected
       FROM documents d LEFT JOIN deliveries v ON v.document_id = d.id
       WHERE d.id = ANY($1::uuid[]) GROUP BY d.id`,
      [[...new Set(packageIds)]],
    );
    for (const row of rows) {
      found.set(row.id, {
        senderCode: row.sender_code, edxmlDocumentId: row.edxml_document_id, recipients: new Set(row.recipients ?? []), liveRecipients: row.live ?? [], addressedTo: new Map(row.redirected ?? []),
        head: { hash: row.last_event_hash, count: row.event_count, states: new Map(row.states ?? []) },
      });
    }
    return found;
  }
}
