import { AmqpConnection } from '../connection/amqp-connection';
import { ConfirmedPublisher } from '../publisher/confirmed-publisher';
import { TestBroker, collect, createTestBroker, waitFor } from '../testing/broker-fixture';
import { Topology, declareCoreTopology, declareSystemInbox } from '../topology/topology';
import { OutboxRelay, OutboxStore } from './outbox-relay';

interface OutboxItem {
  id: string;
  recipient: string;
  published: boolean;
  attempts?: number;
  lastError?: string;
}

/** A real (in-memory) OutboxStore: claim = oldest unpublished items. */
class MemoryOutbox implements OutboxStore<OutboxItem> {
  readonly items: OutboxItem[] = [];
  add(...items: Array<Omit<OutboxItem, 'published'>>): void {
    this.items.push(...items.map((item) => ({ ...item, published: false })));
  }
  async claim(limit: number): Promise<OutboxItem[]> {
    return this.items.filter((item) => !item.published).slice(0, limit);
  }
  async markPublished(items: OutboxItem[]): Promise<void> {
    for (const item of items) item.published = true;
  }
  async markFailed(failures: ReadonlyArray<{ item: OutboxItem; error: string }>): Promise<void> {
    for (const { item, error } of failures) Object.assign(item, { attempts: (item.attempts ?? 0) + 1, lastError: error });
  }
  get pending(): number {
    return this.items.filter((item) => !item.published).length;
  }
}

describe('OutboxRelay (real broker)', () => {
  let broker: TestBroker;
  let connection: AmqpConnection;
  let publisher: ConfirmedPublisher;
  const toMessage = (item: OutboxItem) => ({
    exchange: Topology.deliverExchange,
    routingKey: item.recipient,
    body: Buffer.from(`delivery ${item.id}`),
    properties: { messageId: item.id, mandatory: true },
  });

  beforeAll(async () => {
    broker = await createTestBroker();
    connection = new AmqpConnection({ url: broker.url(), connectionName: 'outbox-spec' });
    connection.onTopology(async (ch) => {
      await declareCoreTopology(ch);
      await declareSystemInbox(ch, 'out1', ['R01']);
      // A small bounded queue: the broker nacks what does not fit (reject-publish).
      await ch.assertQueue('bounded', { durable: true, arguments: { 'x-max-length': 10, 'x-overflow': 'reject-publish' } });
      await ch.bindQueue('bounded', Topology.deliverExchange, 'SMALL');
    });
    await connection.start();
    publisher = new ConfirmedPublisher(connection);
  });

  afterAll(async () => {
    await publisher.close();
    await connection.close();
    await broker.dispose();
  });

  it('publishes a claimed batch and marks every confirmed item published', async () => {
    const store = new MemoryOutbox();
    store.add(...Array.from({ length: 50 }, (_, i) => ({ id: `o-${i}`, recipient: 'R01' })));
    const relay = new OutboxRelay(store, publisher, toMessage, { batchSize: 20, idleMs: 50 });
    relay.start();
    await waitFor(() => store.pending === 0, 5000, 'an empty outbox');
    await relay.stop();
    const received = await collect(await broker.raw(), Topology.systemInbox('out1'), 50);
    expect(new Set(received.map((m) => m.properties.messageId)).size).toBe(50);
  });

  it('keeps what the broker did not confirm and publishes it in a later round', async () => {
    const store = new MemoryOutbox();
    store.add(...Array.from({ length: 25 }, (_, i) => ({ id: `n-${i}`, recipient: 'SMALL' })));
    const relay = new OutboxRelay(store, publisher, toMessage, { batchSize: 25, idleMs: 50 });
    const first = await relay.relayOnce();
    expect(first).toEqual({ claimed: 25, published: 10, failed: 15 });
    expect(store.pending).toBe(15);
    // Each refused item carries its attempt and the broker's reason.
    const refused = store.items.filter((item) => !item.published);
    expect(refused.every((item) => item.attempts === 1 && /MESSAGING_PUBLISH_NACKED/.test(item.lastError ?? ''))).toBe(true);
    // Drain the queue while the relay keeps going: the rest gets through (at-least-once).
    const ids = new Set<string>();
    relay.start();
    const model = await broker.raw();
    // The broker may hand a message over before the relay has marked it published: collect until all
    // 25 arrived, then wait for the outbox to record them.
    while (ids.size < 25) (await collect(model, 'bounded', 1)).forEach((m) => ids.add(String(m.properties.messageId)));
    await waitFor(() => store.pending === 0, 10_000, 'an empty outbox');
    await relay.stop();
  });

  it('hands an unroutable item to onUnroutable instead of retrying it forever', async () => {
    const store = new MemoryOutbox();
    store.add({ id: 'x-1', recipient: 'NOBODY' }, { id: 'x-2', recipient: 'R01' });
    const unroutable: string[] = [];
    const relay = new OutboxRelay(store, publisher, toMessage, {
      batchSize: 10,
      idleMs: 1000,
      onUnroutable: async (item, error) => {
        expect(error.code).toBe('ROUTING_RECIPIENT_UNROUTABLE');
        unroutable.push(item.id);
      },
    });
    relay.start();
    relay.kick();
    await waitFor(() => store.pending === 0, 5000, 'an empty outbox');
    await relay.stop();
    expect(unroutable).toEqual(['x-1']);
    await collect(await broker.raw(), Topology.systemInbox('out1'), 1);
  });

  it('wakes up at once on kick() after new items were committed', async () => {
    const store = new MemoryOutbox();
    const relay = new OutboxRelay(store, publisher, toMessage, { batchSize: 10, idleMs: 60_000 });
    relay.start();
    await new Promise((resolve) => setImmediate(resolve)); // the relay found nothing and sleeps
    store.add({ id: 'k-1', recipient: 'R01' });
    relay.kick();
    await waitFor(() => store.pending === 0, 2000, 'the kicked relay');
    await relay.stop();
    await collect(await broker.raw(), Topology.systemInbox('out1'), 1);
  });
});
