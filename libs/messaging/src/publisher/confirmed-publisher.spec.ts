import { EdxError } from '@edx/common';
import { AmqpConnection } from '../connection/amqp-connection';
import { Consumer } from '../consumer/consumer';
import { Outcome } from '../consumer/outcome';
import { Topology, declareCoreTopology, declareSystemInbox } from '../topology/topology';
import { TestBroker, collect, createTestBroker } from '../testing/broker-fixture';
import { ConfirmedPublisher } from './confirmed-publisher';

describe('ConfirmedPublisher (real broker)', () => {
  let broker: TestBroker;
  let connection: AmqpConnection;
  let publisher: ConfirmedPublisher;

  beforeAll(async () => {
    broker = await createTestBroker();
    connection = new AmqpConnection({ url: broker.url(), connectionName: 'publisher-spec' });
    connection.onTopology(async (ch) => {
      await declareCoreTopology(ch);
      await declareSystemInbox(ch, 'pub1', ['G01']);
    });
    await connection.start();
    publisher = new ConfirmedPublisher(connection);
  });

  afterAll(async () => {
    await publisher.close();
    await connection.close();
    await broker.dispose();
  });

  async function purge(queue: string): Promise<void> {
    const ch = await (await broker.raw()).createChannel();
    await ch.purgeQueue(queue);
    await ch.close();
  }

  it('resolves once the broker confirmed a persistent message, which a consumer then receives and acks', async () => {
    await publisher.publish(Topology.hubExchange, Topology.packageKey, Buffer.from('hello'), { messageId: 'm-1', type: 'package' });
    const [msg] = await collect(await broker.raw(), Topology.hubInboundQueue, 1);
    expect(msg.content.toString()).toBe('hello');
    expect(msg.properties.messageId).toBe('m-1');
    expect(msg.properties.deliveryMode).toBe(2);
    const ch = await (await broker.raw()).createChannel();
    await expect(ch.checkQueue(Topology.hubInboundQueue)).resolves.toMatchObject({ messageCount: 0 });
  });

  it('pipelines 2000 x 4 KiB publishes inside its window and every one is confirmed', async () => {
    await purge(Topology.hubInboundQueue);
    const body = Buffer.alloc(4096, 7);
    const count = 2000;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: count }, (_, i) => publisher.publish(Topology.hubExchange, Topology.packageKey, body, { messageId: `bulk-${i}` })),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`pipelined confirmed publish: ${count} x 4 KiB in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} msg/s (quorum queue)`);
    expect(publisher.inFlightCount).toBe(0);
    const ch = await (await broker.raw()).createChannel();
    await expect(ch.checkQueue(Topology.hubInboundQueue)).resolves.toMatchObject({ messageCount: count });
    await purge(Topology.hubInboundQueue);
  });

  it('carries 2000 x 4 KiB messages through publish, consume and ack (prefetch 500, batches of 100)', async () => {
    await purge(Topology.hubInboundQueue);
    const body = Buffer.alloc(4096, 3);
    const count = 2000;
    const consumer = new Consumer(connection, publisher, { queue: Topology.hubInboundQueue, prefetch: 500, batch: { maxSize: 100, maxWaitMs: 5 } });
    const seen = new Set<string>();
    let allSeen!: () => void;
    const done = new Promise<void>((resolve) => (allSeen = resolve));
    await consumer.start(async (messages) => {
      for (const m of messages) seen.add(m.messageId!);
      if (seen.size >= count) allSeen();
      return messages.map(() => Outcome.ack());
    });
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: count }, (_, i) => publisher.publish(Topology.hubExchange, Topology.packageKey, body, { messageId: `flow-${i}` })),
    );
    await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`publish + consume + ack: ${count} x 4 KiB in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} msg/s (quorum queue)`);
    await consumer.stop();
    expect(seen.size).toBe(count);
    // At-least-once: a message the broker handed over again after the consumer began stopping is put
    // back unprocessed. Whatever is left must be such a copy of a message already handled, never a new one.
    const ch = await (await broker.raw()).createChannel();
    const leftovers: string[] = [];
    for (let msg = await ch.get(Topology.hubInboundQueue, { noAck: true }); msg; msg = await ch.get(Topology.hubInboundQueue, { noAck: true })) {
      leftovers.push(String(msg.properties.messageId));
    }
    expect(leftovers.filter((id) => !seen.has(id))).toEqual([]);
    await ch.close();
  });

  it('never has more than maxInFlight publishes awaiting a confirm; callers beyond the window wait their turn', async () => {
    const narrow = new ConfirmedPublisher(connection, { maxInFlight: 8 });
    let peak = 0;
    const all = Array.from({ length: 200 }, (_, i) =>
      narrow.publish(Topology.hubExchange, Topology.packageKey, Buffer.from('w'), { messageId: `w-${i}` }).then(() => {
        peak = Math.max(peak, narrow.inFlightCount);
      }),
    );
    peak = Math.max(peak, narrow.inFlightCount);
    await Promise.all(all);
    expect(peak).toBeLessThanOrEqual(8);
    expect(narrow.inFlightCount).toBe(0);
    await narrow.close();
    await purge(Topology.hubInboundQueue);
  });

  it('rejects a mandatory publish to a routing key no queue is bound to with ROUTING_RECIPIENT_UNROUTABLE', async () => {
    const unroutable = publisher.publish(Topology.deliverExchange, 'NOBODY', Buffer.from('x'), { messageId: 'u-1', mandatory: true });
    const routable = publisher.publish(Topology.deliverExchange, 'G01', Buffer.from('y'), { messageId: 'u-2', mandatory: true });
    await expect(unroutable).rejects.toMatchObject({ code: 'ROUTING_RECIPIENT_UNROUTABLE' });
    await expect(routable).resolves.toBeUndefined();
    await purge(Topology.systemInbox('pub1'));
  });

  it('matches a return to its own publish when one message id goes to several routing keys (one package, several recipients)', async () => {
    // The bound key is published first: a return matched by message id alone would blame it.
    const outcomes = await Promise.allSettled(
      ['G01', 'NOBODY', 'G01'].map((key) => publisher.publish(Topology.deliverExchange, key, Buffer.from('p'), { messageId: 'same-package', mandatory: true })),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'ROUTING_RECIPIENT_UNROUTABLE', details: { routingKey: 'NOBODY' } });
    await purge(Topology.systemInbox('pub1'));
  });

  it('stamps user_id with the connection user when asked, and refuses another user_id before sending it', async () => {
    const asUser = new ConfirmedPublisher(connection, { publishAsConnectionUser: true });
    await asUser.publish(Topology.hubExchange, Topology.statusKey, Buffer.from('s'), { messageId: 'as-1' });
    const [msg] = await collect(await broker.raw(), Topology.hubInboundQueue, 1);
    expect(msg.properties.userId).toBe('guest');
    await expect(asUser.publish(Topology.hubExchange, Topology.statusKey, Buffer.from('s'), { messageId: 'as-2', userId: 'someone-else' })).rejects.toMatchObject({
      code: 'MESSAGING_BAD_MESSAGE',
    });
    await expect(asUser.publish(Topology.hubExchange, Topology.statusKey, Buffer.from('s'), { messageId: 'as-3' })).resolves.toBeUndefined();
    await asUser.close();
    await purge(Topology.hubInboundQueue);
  });

  it('survives a channel error: the failing publish rejects cleanly and the next one goes through', async () => {
    await expect(publisher.publish('no.such.exchange', 'k', Buffer.from('x'), { messageId: 'e-1' })).rejects.toMatchObject({
      code: 'MESSAGING_BROKER_UNAVAILABLE',
      message: expect.stringContaining('NOT_FOUND'),
    });
    await expect(publisher.publish(Topology.hubExchange, Topology.packageKey, Buffer.from('x'), { messageId: 'e-2' })).resolves.toBeUndefined();
    await purge(Topology.hubInboundQueue);
  });

  it('settles every in-flight publish when the connection goes away: confirmed or MESSAGING_BROKER_UNAVAILABLE, never hanging', async () => {
    const doomed = new AmqpConnection({ url: broker.url(), connectionName: 'doomed' });
    await doomed.start();
    const pub = new ConfirmedPublisher(doomed);
    const results = Array.from({ length: 500 }, (_, i) =>
      pub.publish(Topology.hubExchange, Topology.packageKey, Buffer.alloc(4096), { messageId: `g-${i}` }).then(
        () => 'confirmed',
        (error: EdxError) => error.code,
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    await doomed.close();
    const outcomes = new Set(await Promise.all(results));
    expect([...outcomes].every((o) => o === 'confirmed' || o === 'MESSAGING_BROKER_UNAVAILABLE')).toBe(true);
    expect(outcomes.has('MESSAGING_BROKER_UNAVAILABLE')).toBe(true);
    await purge(Topology.hubInboundQueue);
  });

  it('rejects with MESSAGING_BROKER_UNAVAILABLE when not connected, and requires a messageId', async () => {
    const idle = new AmqpConnection({ url: broker.url(), connectionName: 'never-started' });
    const offline = new ConfirmedPublisher(idle);
    const error = await offline.publish(Topology.hubExchange, 'package', Buffer.from('x'), { messageId: 'o-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EdxError);
    expect(error).toMatchObject({ code: 'MESSAGING_BROKER_UNAVAILABLE' });
    await expect(publisher.publish(Topology.hubExchange, 'package', Buffer.from('x'), { messageId: '' })).rejects.toMatchObject({ code: 'MESSAGING_BAD_MESSAGE' });
  });
});
