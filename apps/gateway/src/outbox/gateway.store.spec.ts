import { randomUUID } from 'node:crypto';
import { OutgoingDocumentEntity } from '@edx/storage';
import { TestDatabase, createTestDatabase } from '@edx/testing';
import { GatewayStore } from './gateway.store';

describe("the gateway's outbox: a row the broker keeps refusing backs off, then parks, and never holds up the others (real PostgreSQL)", () => {
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
});
