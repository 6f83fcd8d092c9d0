import { createHash, randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '@edx/testing';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { findChainBreak } from '@edx/storage';
import { PackageRecord, statusKey } from './exchange-records';
import { ExchangeRepository } from './exchange.repository';

function aPackage(overrides: Partial<PackageRecord> = {}): PackageRecord {
  return {
    packageId: randomUUID(), edxmlDocumentId: 'G01,2026/11/22,1/VP', senderCode: 'G01', senderSystem: 'sys-a',
    subject: 'Test', codeNumber: '1', codeNotation: 'VP', businessType: 0, sha256: 'ab'.repeat(32), size: 4096,
    receivedAt: new Date(), dueDate: null, sentAt: null, signatures: [], routed: ['H41', 'H42'], held: [], rejected: [],
    delivered: { body: Buffer.from('<edXMLEnvelope>as delivered</edXMLEnvelope>'), attestation: 'header.payload.signature' }, ...overrides,
  };
}

describe('ExchangeRepository (real PostgreSQL)', () => {
  let db: TestDatabase;
  let repo: ExchangeRepository;
  beforeAll(async () => {
    db = await createTestDatabase('hub');
    repo = new ExchangeRepository(db.dataSource);
  });
  afterAll(async () => db?.drop());

  const chainOf = async (documentId: string) =>
    (await db.dataSource.query('SELECT * FROM events WHERE document_id = $1 ORDER BY seq', [documentId])).map((r: Record<string, unknown>) => ({
      id: r.id, documentId: r.document_id, seq: r.seq, recipientCode: r.recipient_code, type: r.type, statusCode: r.status_code,
      actor: r.actor, detail: r.detail, at: r.at, prevHash: r.prev_hash, hash: r.hash,
    }));

  it('records a package once, however often it is delivered', async () => {
    const p = aPackage({ rejected: [{ recipientCode: 'X99', code: 'ROUTING_RECIPIENT_UNKNOWN', reason: 'not registered' }] });
    const first = await repo.commit([p, p], []);
    const again = await repo.commit([p], []);
    expect(first.newPackages.has(p.packageId)).toBe(true);
    expect(again.newPackages.size).toBe(0);
    const deliveries = await db.dataSource.query('SELECT recipient_code, state FROM deliveries WHERE document_id = $1 ORDER BY 1', [p.packageId]);
    expect(deliveries).toEqual([
      { recipient_code: 'H41', state: 'routed' },
      { recipient_code: 'H42', state: 'routed' },
      { recipient_code: 'X99', state: 'rejected' },
    ]);
    expect(await repo.routedRecipients(p.packageId)).toEqual(['H41', 'H42']);
    const events = await chainOf(p.packageId);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['received', 'routed', 'routed', 'rejected']);
    expect(findChainBreak(events)).toBeUndefined();
  });

  it("records a package to 7,000 recipients in its one statement (columns travel as arrays, clear of PostgreSQL's 65,535 parameters)", async () => {
    const routed = Array.from({ length: 7000 }, (_, i) => `000.00.${String(Math.floor(i / 100)).padStart(2, '0')}.H${String(i % 100).padStart(2, '0')}`);
    const p = aPackage({ routed });
    await repo.commit([p], []);
    const [{ count }] = await db.dataSource.query('SELECT count(*)::int AS count FROM deliveries WHERE document_id = $1', [p.packageId]);
    expect(count).toBe(7000);
    const events = await chainOf(p.packageId);
    expect(events).toHaveLength(7001);
    expect(findChainBreak(events)).toBeUndefined();
  });

  it('commits a batch of packages in one round trip and a batch of statuses in five (begin, deduplication, locked read, every write, commit)', async () => {
    const statements = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      const packages = [aPackage(), aPackage({ held: ['H44'], rejected: [{ recipientCode: 'X99', code: 'ROUTING_RECIPIENT_UNKNOWN', reason: 'not registered' }] })];
      await repo.commit(packages, []);
      expect(statements).toHaveBeenCalledTimes(1);
      statements.mockClear();
      const statuses = packages.flatMap((p) => ['H41', 'H42'].map((fromCode) => ({ messageId: randomUUID(), packageId: p.packageId, fromCode, statusCode: '01', description: 'ok', at: new Date(), actor: 'sys-b', signed: Buffer.from('<edXML/>') })));
      await repo.commit([], statuses);
      expect(statements).toHaveBeenCalledTimes(5);
    } finally {
      statements.mockRestore();
    }
  });

  it('commits statuses about documents as read in one statement; a document moved on since, or a duplicate, goes the locking way', async () => {
    const p = aPackage();
    await repo.commit([p], []);
    const status = (fromCode: string, statusCode: string) => ({ messageId: randomUUID(), packageId: p.packageId, fromCode, statusCode, description: 'ok', at: new Date(), actor: 'sys-b', signed: Buffer.from(`<edXML>${fromCode} ${statusCode}</edXML>`) });
    const asRead = await repo.findDocuments([p.packageId]);
    // Unsigned, as the hub's own notes are: only the deduplication can tell its redelivery (a signed one also collides on its receipt).
    const arrived = { ...status('H41', '01'), signed: undefined };
    const statements = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      expect((await repo.commit([], [arrived], asRead)).statusResults.get(statusKey(arrived))).toEqual({ duplicate: false, state: 'arrived' });
      expect(statements).toHaveBeenCalledTimes(1);
      statements.mockClear();
      // The same read is stale now (a hub copy beside this one would hold it): the statement undoes itself, then the locking way applies it.
      const second = status('H42', '01');
      expect((await repo.commit([], [second], asRead)).statusResults.get(statusKey(second))).toEqual({ duplicate: false, state: 'arrived' });
      expect(statements).toHaveBeenCalledTimes(6);
      statements.mockClear();
      // A redelivered 01 on a fresh read: the deduplication says so and nothing is chained twice.
      expect((await repo.commit([], [arrived], await repo.findDocuments([p.packageId]))).statusResults.get(statusKey(arrived))).toEqual({ duplicate: true });
    } finally {
      statements.mockRestore();
    }
    const events = await chainOf(p.packageId);
    expect(events.map((e: { type: string; recipientCode: string | null; statusCode: string | null }) => `${e.type}:${e.recipientCode ?? ''}:${e.statusCode ?? ''}`)).toEqual(['received::', 'routed:H41:', 'routed:H42:', 'status:H41:01', 'status:H42:01']);
    expect(findChainBreak(events)).toBeUndefined();
    const [{ count }] = await db.dataSource.query('SELECT count(*)::int AS count FROM signed_statuses WHERE document_id = $1', [p.packageId]);
    expect(count).toBe(1);
    const [head] = await db.dataSource.query('SELECT last_event_hash, event_count FROM documents WHERE id = $1', [p.packageId]);
    expect(head).toEqual({ last_event_hash: events[4].hash, event_count: 5 });
  });

  it('keeps one chain when two writers apply statuses about one document at once, each from the same read', async () => {
    const p = aPackage({ routed: ['H41', 'H42', 'H43', 'H44'] });
    await repo.commit([p], []);
    const asRead = await repo.findDocuments([p.packageId]);
    const status = (fromCode: string) => ({ messageId: randomUUID(), packageId: p.packageId, fromCode, statusCode: '01', description: 'ok', at: new Date(), actor: 'sys-b' });
    const statuses = ['H41', 'H42', 'H43', 'H44'].map(status);
    const results = await Promise.all(statuses.map((s) => repo.commit([], [s], asRead)));
    expect(results.map((r, i) => r.statusResults.get(statusKey(statuses[i])))).toEqual(statuses.map(() => ({ duplicate: false, state: 'arrived' })));
    const events = await chainOf(p.packageId);
    expect(events).toHaveLength(9);
    expect(events.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(findChainBreak(events)).toBeUndefined();
  });

  it('moves deliveries forward on statuses, ignores duplicates and never moves back', async () => {
    const p = aPackage();
    await repo.commit([p], []);
    const status = (fromCode: string, statusCode: string, messageId = randomUUID()) => ({
      messageId, packageId: p.packageId, fromCode, statusCode, description: 'ok', at: new Date(), actor: 'sys-b',
    });
    const arrived = status('H41', '01');
    const result = await repo.commit([], [arrived, status('H42', '03'), status('H42', '01')]);
    expect(result.statusResults.get(statusKey(arrived))).toEqual({ duplicate: false, state: 'arrived' });
    expect((await repo.commit([], [arrived])).statusResults.get(statusKey(arrived))).toEqual({ duplicate: true });
    const states = await db.dataSource.query('SELECT recipient_code, state FROM deliveries WHERE document_id = $1 ORDER BY 1', [p.packageId]);
    expect(states).toEqual([
      { recipient_code: 'H41', state: 'arrived' },
      { recipient_code: 'H42', state: 'accepted' },
    ]);
    const events = await chainOf(p.packageId);
    expect(events).toHaveLength(6); // received, 2 routed, 3 statuses (the late 01 is recorded too)
    expect(findChainBreak(events)).toBeUndefined();
  });

  it('deduplicates a status per author: another agency publishing first under the same message id does not make the genuine one a duplicate', async () => {
    const p = aPackage();
    await repo.commit([p], []);
    const messageId = randomUUID();
    const at = new Date();
    const early = { messageId, packageId: p.packageId, fromCode: 'H42', statusCode: '01', description: 'first under that id', at, actor: 'sys-c' };
    const genuine = { ...early, fromCode: 'H41', description: 'the real receipt', actor: 'sys-b' };
    await repo.commit([], [early]);
    const result = await repo.commit([], [genuine, genuine]);
    expect(result.statusResults.get(statusKey(genuine))).toEqual({ duplicate: false, state: 'arrived' });
    expect((await repo.commit([], [genuine])).statusResults.get(statusKey(genuine))).toEqual({ duplicate: true });
    const states = await db.dataSource.query('SELECT recipient_code, state FROM deliveries WHERE document_id = $1 ORDER BY 1', [p.packageId]);
    expect(states).toEqual([
      { recipient_code: 'H41', state: 'arrived' },
      { recipient_code: 'H42', state: 'arrived' },
    ]);
  });

  it('keeps what a proof needs: the delivered bytes, the attestation in the chain, and each signed receipt bound by its hash', async () => {
    const p = aPackage();
    await repo.commit([p], []);
    const signed = Buffer.from('<edXMLEnvelope>signed 01</edXMLEnvelope>');
    const receipt = { messageId: randomUUID(), packageId: p.packageId, fromCode: 'H41', statusCode: '01', description: 'ok', at: new Date(), actor: 'sys-b', signed };
    await repo.commit([], [receipt, { ...receipt, messageId: `unroutable:${p.packageId}:H42`, fromCode: 'H42', statusCode: '02', signed: undefined }]);
    const [copy] = await db.dataSource.query('SELECT body FROM delivered_packages WHERE document_id = $1', [p.packageId]);
    expect(copy.body).toEqual(p.delivered.body);
    const statuses = await db.dataSource.query('SELECT message_id, body FROM signed_statuses WHERE document_id = $1', [p.packageId]);
    expect(statuses).toEqual([{ message_id: receipt.messageId, body: signed }]);
    const events = await chainOf(p.packageId);
    expect(events[0].detail.attestation).toBe(p.delivered.attestation);
    const status = events.find((e: { detail: { messageId?: string } }) => e.detail.messageId === receipt.messageId);
    expect(status.detail.sha256).toBe(createHash('sha256').update(signed).digest('hex'));
  });

  it('refuses to edit or delete the event log', async () => {
    const p = aPackage();
    await repo.commit([p], []);
    await expect(db.dataSource.query("UPDATE events SET type = 'x' WHERE document_id = $1", [p.packageId])).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query('DELETE FROM events WHERE document_id = $1', [p.packageId])).rejects.toThrow(/append-only/);
  });
  it('holds a delivery for a suspended recipient in the database and releases it, once, when the recipient is active again', async () => {
    await db.dataSource.query("INSERT INTO agencies (code, name, name_folded, status) VALUES ('H43', 'H43', 'h43', 'suspended') ON CONFLICT DO NOTHING");
    const p = aPackage({ routed: ['H41'], held: ['H43'] });
    await repo.commit([p], []);
    const held = async () => (await db.dataSource.query('SELECT state, held_since IS NOT NULL AS held FROM deliveries WHERE document_id = $1 AND recipient_code = $2', [p.packageId, 'H43']))[0];
    expect(await held()).toEqual({ state: 'routed', held: true });
    const sent: string[] = [];
    const send = async (copies: Array<{ documentId: string; recipientCode: string; body: Buffer; attestation: string }>) => {
      for (const c of copies) sent.push(`${c.documentId}|${c.recipientCode}|${c.body.toString()}|${c.attestation}`);
      return new Set(copies.map((c) => `${c.documentId}|${c.recipientCode}`));
    };
    expect(await repo.releaseHeld(10, send)).toBe(0); // still suspended
    await db.dataSource.query("UPDATE agencies SET status = 'active' WHERE code = 'H43'");
    expect(await repo.releaseHeld(10, async () => new Set())).toBe(0); // not published: stays held
    expect(await held()).toEqual({ state: 'routed', held: true });
    expect(await repo.releaseHeld(10, send)).toBe(1);
    expect(await repo.releaseHeld(10, send)).toBe(0);
    expect(sent).toEqual([`${p.packageId}|H43|<edXMLEnvelope>as delivered</edXMLEnvelope>|header.payload.signature`]);
    expect(await held()).toEqual({ state: 'routed', held: false });
    const events = await chainOf(p.packageId);
    expect(events.map((e: { type: string; recipientCode: string | null }) => `${e.type}:${e.recipientCode ?? ''}`)).toEqual(['received:', 'routed:H41', 'held:H43', 'released:H43']);
    expect(findChainBreak(events)).toBeUndefined();
  });
});
