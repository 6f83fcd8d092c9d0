import { randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { IncomingDocumentEntity, OutgoingDocumentEntity } from '@edx/storage';
import { TestDatabase, createTestDatabase } from '@edx/testing';
import { GatewayStore } from './gateway.store';

describe("the gateway's outbox: a row the broker keeps refusing backs off, then parks, never holding up the others; a published one is marked with its document (real PostgreSQL)", () => {
  let db: TestDatabase;
  let store: GatewayStore;
  beforeAll(async () => {
    db = await createTestDatabase('gateway');
    store = new GatewayStore(db.dataSource, 3);
  });
  afterAll(() => db.drop());

  async function send(subject: string): Promise<string> {
    const id = randomUUID();
    const document = { id, agencyCode: '000.00.00.G22', edxmlDocumentId: `G22,2026/12/01,${subject}`, subject, recipients: ['000.00.00.H41'], package: Buffer.from(`<edXML>${subject}</edXML>`), sha256: 'ab'.repeat(32), createdAt: new Date(), publishedAt: null } as OutgoingDocumentEntity;
    await store.saveOutgoing(document, { messageId: id, type: 'package', routingKey: 'package', headers: {}, body: null, documentId: id });
    return id;
  }
  /** Lets every backed-off row be due again, as time passing would. */
  const timePasses = () => db.dataSource.query('UPDATE outbox SET next_attempt_at = now() WHERE next_attempt_at IS NOT NULL');

  it('counts each refusal with its error, skips the row while it backs off, parks it after the last attempt', async () => {
    const big = await send('too-big');
    const fine = await send('fine');
    const [first] = await store.claim(10);
    expect(first.documentId).toBe(big);
    await store.markFailed([{ item: first, error: 'MESSAGING_PUBLISH_NACKED: message size is larger than the broker allows' }]);
    expect((await store.claim(10)).map((r) => r.documentId)).toEqual([fine]); // backing off: the next row goes first
    for (let attempt = 2; attempt <= 3; attempt++) {
      await timePasses();
      const row = (await store.claim(10)).find((r) => r.documentId === big)!;
      await store.markFailed([{ item: row, error: 'MESSAGING_PUBLISH_NACKED: still too large' }]);
    }
    await timePasses();
    expect((await store.claim(10)).map((r) => r.documentId)).toEqual([fine]);
    expect(await store.outboxStateOf(big)).toMatchObject({ attempts: 3, lastError: 'MESSAGING_PUBLISH_NACKED: still too large', parkedAt: expect.any(Date) });
    expect(await store.outboxStateOf(fine)).toMatchObject({ attempts: 0, parkedAt: null });
  });

  it('marks a published row and the document it carried together, and records received statuses in one statement', async () => {
    const id = randomUUID();
    const document = { id, agencyCode: '000.00.00.G22', edxmlDocumentId: 'G22,2026/12/01,1', subject: 's', recipients: ['000.00.00.H41'], package: Buffer.from('<edXML/>'), sha256: 'ab'.repeat(32), createdAt: new Date(), publishedAt: null } as OutgoingDocumentEntity;
    await store.saveOutgoing(document, { messageId: id, type: 'package', routingKey: 'package', headers: {}, body: null, documentId: id });
    const statements = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      await store.markPublished(await store.claim(10));
      expect(statements).toHaveBeenCalledTimes(2); // the claim, then the mark
      const [row] = await db.dataSource.query('SELECT (SELECT published_at FROM outbox WHERE document_id = $1) IS NOT NULL AS row, published_at IS NOT NULL AS document FROM outgoing_documents WHERE id = $1', [id]);
      expect(row).toEqual({ row: true, document: true });
      expect(await store.claim(10)).toEqual([]);
      statements.mockClear();
      const status = { id: randomUUID(), packageId: id, direction: 'in' as const, agencyCode: '000.00.00.G22', fromCode: '000.00.00.H41', statusCode: '01', description: 'Đã đến', at: new Date(), addressedTo: null };
      expect(await store.saveStatuses([status, status])).toEqual(new Set([status.id]));
      expect(await store.saveStatuses([status])).toEqual(new Set());
      expect(statements).toHaveBeenCalledTimes(2);
    } finally {
      statements.mockRestore();
    }
  });
});

describe("the gateway's inbox: a received package, its answer and the answer's outbox row are stored together, once (real PostgreSQL)", () => {
  let db: TestDatabase;
  let store: GatewayStore;
  beforeAll(async () => {
    db = await createTestDatabase('gateway');
    store = new GatewayStore(db.dataSource);
  });
  afterAll(() => db.drop());

  /** A received package for `recipient` with the 01 it answers. */
  function received(packageId: string, recipient: string) {
    const statusId = randomUUID();
    const at = new Date();
    return {
      document: {
        packageId, recipientCode: recipient, senderCode: '000.00.00.G22', edxmlDocumentId: 'G22,2026/12/01,1', subject: 'Công văn', package: Buffer.from(`<edXML>${packageId}</edXML>`), sha256: 'cd'.repeat(32),
        verdict: 'arrived', rejectCode: null, rejectReason: null, receivedAt: at, fetchedAt: null, receiptAttestation: 'token', addressedTo: null,
      } as IncomingDocumentEntity,
      status: { id: statusId, packageId, direction: 'out' as const, agencyCode: recipient, fromCode: recipient, statusCode: '01', description: 'Đã đến', at, addressedTo: null },
      outbox: { messageId: statusId, type: 'status' as const, routingKey: 'status', headers: { 'x-edx-package-id': packageId }, body: Buffer.from(`<status>${statusId}</status>`), documentId: null },
    };
  }
  const count = async (table: string) => Number((await db.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  it('answers each new package once; a redelivered one, even beside a new one, adds no status and no outbox row', async () => {
    const first = randomUUID();
    const second = randomUUID();
    const a = received(first, '000.00.00.H41');
    const c = received(first, '000.00.00.H53');
    expect(await store.saveIncoming([a, c])).toEqual(new Set([`${first}|000.00.00.H41`, `${first}|000.00.00.H53`]));
    // Redelivered (with another status id, as a re-run could make) beside a new package.
    const again = { ...received(first, '000.00.00.H41') };
    const b = received(second, '000.00.00.H41');
    expect(await store.saveIncoming([again, b])).toEqual(new Set([`${second}|000.00.00.H41`]));
    expect([await count('incoming_documents'), await count('status_records'), await count('outbox')]).toEqual([3, 3, 3]);
    const queued: Array<{ message_id: string; headers: Record<string, string>; body: Buffer; type: string }> = await db.dataSource.query('SELECT message_id, headers, body, type FROM outbox ORDER BY id');
    expect(queued.map((q) => q.message_id)).toEqual([a.status.id, c.status.id, b.status.id]);
    expect(queued[2]).toMatchObject({ type: 'status', headers: { 'x-edx-package-id': second } });
    expect(queued[2].body.toString()).toBe(`<status>${b.status.id}</status>`);
    const statuses: Array<{ id: string; agency_code: string; direction: string }> = await db.dataSource.query('SELECT id, agency_code, direction FROM status_records ORDER BY seq');
    expect(statuses).toEqual([
      { id: a.status.id, agency_code: '000.00.00.H41', direction: 'out' },
      { id: c.status.id, agency_code: '000.00.00.H53', direction: 'out' },
      { id: b.status.id, agency_code: '000.00.00.H41', direction: 'out' },
    ]);
  });

  it('pages an inbox by the last id seen: documents of the same instant are listed once each, none skipped', async () => {
    const agency = '000.00.00.H99';
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const sameInstant = new Date();
    await store.saveIncoming(ids.map((id) => {
      const r = received(id, agency);
      return { ...r, document: { ...r.document, receivedAt: sameInstant } };
    }));
    const listed: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const items = (await store.inbox(agency, { limit: 2, unfetchedOnly: false, after }))!;
      listed.push(...items.map((d) => d.packageId));
      if (items.length < 2) break;
      after = items[items.length - 1].packageId;
    }
    expect(listed).toEqual([...ids].sort());
    expect(await store.inbox(agency, { limit: 2, unfetchedOnly: false, after: randomUUID() })).toBeUndefined();
    // Another agency's document is no cursor into this inbox.
    const [elsewhere] = (await store.inbox('000.00.00.H41', { limit: 1, unfetchedOnly: false }))!;
    expect(await store.inbox(agency, { limit: 2, unfetchedOnly: false, after: elsewhere.packageId })).toBeUndefined();
  });
});
