import { InboundMessage } from '@edx/messaging';
import { TestDatabase, createTestDatabase } from '@edx/testing';
import { DeadLetterRecorder } from './dead-letter.recorder';

describe('DeadLetterRecorder (real PostgreSQL)', () => {
  let db: TestDatabase;
  let recorder: DeadLetterRecorder;
  beforeAll(async () => {
    db = await createTestDatabase('hub');
    recorder = new DeadLetterRecorder(db.dataSource, 'edx-hub');
  });
  afterAll(() => db.drop());

  const message = (messageId: string, extra: Partial<InboundMessage>): InboundMessage => ({
    body: Buffer.from(`body of ${messageId}`), messageId, headers: {}, routingKey: 'hub.inbound', redelivered: false, type: 'package', ...extra,
  });
  const row = async (messageId: string) =>
    (await db.dataSource.query('SELECT source_queue, user_id, code, reason, origin, headers FROM dead_letters WHERE message_id = $1', [messageId]))[0];

  it("believes the reason headers of a dead letter the hub wrote (its user_id is the hub's)", async () => {
    await recorder.handle([
      message('hub-1', { userId: 'edx-hub', headers: { 'x-edx-error-code': 'SIGNATURE_INVALID', 'x-edx-error-reason': 'bad envelope', 'x-edx-source-queue': 'hub.inbound', 'x-edx-original-user-id': 'system.sys-a' } }),
    ]);
    expect(await row('hub-1')).toMatchObject({ origin: 'hub', code: 'SIGNATURE_INVALID', reason: 'bad envelope', source_queue: 'hub.inbound', user_id: 'system.sys-a' });
  });

  it("does not believe x-edx headers a connected system put on its own message that a queue dead-lettered", async () => {
    const forged = { 'x-edx-error-code': 'CONFLICT', 'x-edx-error-reason': 'forged', 'x-edx-source-queue': 'system.other.inbox', 'x-edx-original-user-id': 'system.victim' };
    await recorder.handle([message('dlx-1', { userId: 'system.sys-a', headers: { ...forged, 'x-death': [{ queue: 'hub.inbound', reason: 'rejected', count: 1 }] } })]);
    expect(await row('dlx-1')).toMatchObject({ origin: 'broker', code: 'MESSAGING_REJECTED', source_queue: 'hub.inbound', user_id: 'system.sys-a' });
    expect((await row('dlx-1')).reason).not.toContain('forged');
  });

  it('names a message that reached the delivery limit', async () => {
    await recorder.handle([message('limit-1', { headers: { 'x-death': [{ queue: 'system.b.inbox', reason: 'delivery_limit', count: 20 }] } })]);
    expect(await row('limit-1')).toMatchObject({ origin: 'broker', code: 'MESSAGING_DELIVERY_LIMIT', source_queue: 'system.b.inbox' });
  });

  it('keeps what someone else published straight to edx.dead as unverified', async () => {
    await recorder.handle([message('odd-1', { userId: 'guest', headers: { 'x-edx-error-code': 'CONFLICT' } })]);
    expect(await row('odd-1')).toMatchObject({ origin: 'unverified', code: 'MESSAGING_BAD_MESSAGE' });
  });

  it('stores a dead letter whose headers hold U+0000 (jsonb refuses it) in one try, with the character named', async () => {
    const outcomes = await recorder.handle([message('nul-1', { userId: 'edx-hub', headers: { 'x-edx-error-reason': 'a\u0000b', 'x-odd': 'c\u0000d', 'x-edx-error-code': 'EDXML_MALFORMED' } })]);
    expect(outcomes).toEqual([{ kind: 'ack' }]);
    const stored = await row('nul-1');
    expect(stored.reason).toBe('aU+0000b');
    expect(stored.headers['x-odd']).toBe('cU+0000d');
  });
});
