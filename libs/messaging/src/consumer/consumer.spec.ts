import { EdxError } from '@edx/common';
import { AmqpConnection } from '../connection/amqp-connection';
import { ConfirmedPublisher } from '../publisher/confirmed-publisher';
import { TestBroker, collect, createTestBroker, waitFor } from '../testing/broker-fixture';
import { Topology, WORK_QUEUE_ARGUMENTS, declareCoreTopology } from '../topology/topology';
import { Consumer, InboundMessage } from './consumer';
import { DeadLetterHeaders, Outcome } from './outcome';

describe('Consumer (real broker)', () => {
  let broker: TestBroker;
  let connection: AmqpConnection;
  let publisher: ConfirmedPublisher;
  let queueNo = 0;

  beforeAll(async () => {
    broker = await createTestBroker();
    connection = new AmqpConnection({ url: broker.url(), connectionName: 'consumer-spec' });
    connection.onTopology(declareCoreTopology);
    await connection.start();
    publisher = new ConfirmedPublisher(connection);
  });

  afterAll(async () => {
    await publisher.close();
    await connection.close();
    await broker.dispose();
  });

  /** A fresh quorum work queue (same arguments as the real ones) for one test. */
  async function workQueue(): Promise<string> {
    const queue = `work.${++queueNo}`;
    const ch = await (await broker.raw()).createChannel();
    await ch.assertQueue(queue, { durable: true, arguments: WORK_QUEUE_ARGUMENTS });
    await ch.close();
    return queue;
  }

  async function messageCount(queue: string): Promise<number> {
    const ch = await (await broker.raw()).createChannel();
    const { messageCount: count } = await ch.checkQueue(queue);
    await ch.close();
    return count;
  }

  /**
   * Starts `consumer` with a handler that records each batch's ids and acks them; a batch that
   * `held` picks (given the batch and how many batches came so far) waits until `release()`.
   * `most()` is the largest number of batches the handler had at once.
   */
  async function startGated(consumer: Consumer, held: (messages: InboundMessage[], seen: number) => boolean) {
    const batches: string[][] = [];
    let running = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await consumer.start(async (messages) => {
      most = Math.max(most, ++running);
      batches.push(messages.map((m) => m.messageId!));
      if (held(messages, batches.length)) await gate;
      running--;
      return messages.map(() => Outcome.ack());
    });
    return { batches, release, most: () => most };
  }

  const send = (queue: string, id: string, extra: Record<string, unknown> = {}) =>
    publisher.publish('', queue, Buffer.from(`body of ${id}`), { messageId: id, type: 'package', headers: { 'x-trace': 't-1' }, ...extra });

  it('acks a message only after the handler resolved with ack', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 10 });
    const seen: InboundMessage[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await consumer.start(async (messages) => {
      seen.push(...messages);
      await gate; // the "commit" is still running: the message must stay unacked
      return messages.map(() => Outcome.ack());
    });
    await send(queue, 'a-1');
    await waitFor(() => seen.length === 1, 5000, 'delivery');
    expect(seen[0]).toMatchObject({ messageId: 'a-1', type: 'package', routingKey: queue, redelivered: false, headers: { 'x-trace': 't-1' } });
    expect(seen[0].body.toString()).toBe('body of a-1');
    release();
    await consumer.stop();
    expect(await messageCount(queue)).toBe(0);
  });

  it('hands batches of at most maxSize messages, one outcome per message in order', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 50, batch: { maxSize: 10, maxWaitMs: 20 } });
    const sizes: number[] = [];
    const ids = new Set<string>();
    await consumer.start(async (messages) => {
      sizes.push(messages.length);
      messages.forEach((m) => ids.add(m.messageId!));
      return messages.map(() => Outcome.ack());
    });
    await Promise.all(Array.from({ length: 25 }, (_, i) => send(queue, `b-${i}`)));
    await waitFor(() => ids.size === 25, 5000, '25 messages');
    await consumer.stop();
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
    expect(await messageCount(queue)).toBe(0);
  });

  it('runs one batch at a time: what arrives meanwhile waits and goes as the next batch the moment the first ends', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 50, batch: { maxSize: 10, maxWaitMs: 0 } });
    // The first batch's "commit" takes a while.
    const { batches, release, most } = await startGated(consumer, (_, seen) => seen === 1);
    await send(queue, 'g-0');
    await waitFor(() => batches.length === 1, 5000, 'the first batch');
    for (let i = 1; i <= 5; i++) await send(queue, `g-${i}`);
    await waitFor(async () => (await messageCount(queue)) === 0, 5000, 'the five to reach the consumer');
    expect(batches).toEqual([['g-0']]); // nothing overtook the running batch
    release();
    await waitFor(() => batches.length === 2, 5000, 'the second batch');
    await consumer.stop();
    expect(batches).toEqual([['g-0'], ['g-1', 'g-2', 'g-3', 'g-4', 'g-5']]);
    expect(most()).toBe(1);
    expect(await messageCount(queue)).toBe(0);
  });

  /** Order key of the specs below: the x-doc header, as the apps key by the document a message is about. */
  const byDoc = (m: InboundMessage) => String(m.headers['x-doc']);
  const sendAbout = (queue: string, id: string, doc: string) => send(queue, id, { headers: { 'x-doc': doc } });

  it('with concurrency 2 starts a second batch beside a running one, but a message never passes an earlier one with its order key', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 50, batch: { maxSize: 10, maxWaitMs: 0, concurrency: 2 }, orderKey: byDoc });
    // Document A's batch is slow to commit.
    const { batches, release, most } = await startGated(consumer, (messages) => messages.some((m) => m.messageId === 'k-1'));
    await sendAbout(queue, 'k-1', 'A');
    await waitFor(() => batches.length === 1, 5000, 'the first batch');
    await sendAbout(queue, 'k-2', 'A'); // waits for k-1
    await sendAbout(queue, 'k-3', 'B'); // passes
    await waitFor(() => batches.flat().includes('k-3'), 5000, 'the other document beside the running batch');
    expect(batches.flat()).not.toContain('k-2');
    await sendAbout(queue, 'k-4', 'B');
    await waitFor(() => batches.flat().includes('k-4'), 5000, 'the other document again');
    expect(batches.flat()).not.toContain('k-2');
    release();
    await waitFor(() => batches.flat().includes('k-2'), 5000, 'document A once its first message was settled');
    await consumer.stop();
    expect(most()).toBe(2);
    expect(batches[0]).toEqual(['k-1']);
    expect(batches.flat().sort()).toEqual(['k-1', 'k-2', 'k-3', 'k-4']);
    expect(await messageCount(queue)).toBe(0);
  });

  it('keeps a message that waits for its retry ahead of the later ones with its order key; other keys pass it', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 50, batch: { maxSize: 10, maxWaitMs: 0 }, orderKey: byDoc });
    const handled: string[] = [];
    let attempts = 0;
    await consumer.start(async (messages) => {
      handled.push(...messages.map((m) => m.messageId!));
      return messages.map((m) => (m.messageId === 'p-1' && ++attempts === 1 ? Outcome.retry('database busy', 400) : Outcome.ack()));
    });
    await sendAbout(queue, 'p-1', 'A'); // the package, retried
    await waitFor(() => handled.length === 1, 5000, 'the first attempt');
    await sendAbout(queue, 'p-2', 'A'); // its recall: must not overtake it
    await sendAbout(queue, 'p-3', 'B');
    await waitFor(() => handled.includes('p-3'), 5000, 'the other document');
    await waitFor(() => handled.includes('p-2'), 5000, 'the recall after the retried package');
    await consumer.stop();
    expect(handled.filter((id) => id !== 'p-3')).toEqual(['p-1', 'p-1', 'p-2']);
    expect(await messageCount(queue)).toBe(0);
  });

  it('refuses concurrent batches without an order key', () => {
    expect(() => new Consumer(connection, publisher, { queue: 'q', prefetch: 10, batch: { maxSize: 10, maxWaitMs: 0, concurrency: 2 } })).toThrow(/needs an orderKey/);
  });

  it('hands a message resent into the same batch to the handler once and acks both copies; a reused id with other bytes is not a copy', async () => {
    const queue = await workQueue();
    // Queued before the consumer starts, so all of them come in one batch.
    await send(queue, 'c-1');
    await send(queue, 'c-1'); // a publisher resent it after a lost confirm
    await send(queue, 'c-2');
    await publisher.publish('', queue, Buffer.from('other bytes under c-2'), { messageId: 'c-2', type: 'package' });
    await send(queue, 'c-1', { type: 'status' }); // same id, another kind of message
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 50, batch: { maxSize: 10, maxWaitMs: 200 } });
    const batches: string[][] = [];
    await consumer.start(async (messages) => {
      batches.push(messages.map((m) => `${m.messageId}:${m.type}:${m.body.toString()}`));
      return messages.map(() => Outcome.ack());
    });
    await waitFor(() => batches.flat().length >= 4, 5000, 'the distinct messages');
    await consumer.stop();
    expect(batches).toEqual([['c-1:package:body of c-1', 'c-2:package:body of c-2', 'c-2:package:other bytes under c-2', 'c-1:status:body of c-1']]);
    expect(await messageCount(queue)).toBe(0);
  });

  it('retries a message after its delay, from memory: not redelivered, its delivery count untouched', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 10 });
    const deliveries: Array<{ at: number; message: InboundMessage }> = [];
    await consumer.start(async (messages) => {
      deliveries.push({ at: Date.now(), message: messages[0] });
      return [deliveries.length === 1 ? Outcome.retry('database busy', 300) : Outcome.ack()];
    });
    await send(queue, 'r-1');
    await waitFor(() => deliveries.length === 2, 5000, 'second attempt');
    await consumer.stop();
    expect(deliveries[1].at - deliveries[0].at).toBeGreaterThanOrEqual(280);
    expect(deliveries[1].message).toMatchObject({ messageId: 'r-1', redelivered: false });
    expect(deliveries[1].message.deliveryCount).toBeUndefined();
    expect(await messageCount(queue)).toBe(0);
  });

  it('retries when the handler throws a transient EdxError', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 10, retryBackoff: { initialMs: 50, maxMs: 100 } });
    let calls = 0;
    await consumer.start(async (messages) => {
      if (++calls === 1) throw new EdxError('STORAGE_UNAVAILABLE', 'database restarting');
      return messages.map(() => Outcome.ack());
    });
    await send(queue, 't-1');
    await waitFor(() => calls === 2, 5000, 'second attempt');
    await consumer.stop();
    expect(await messageCount(queue)).toBe(0);
  });

  it('dead-letters: a confirmed copy with the reason headers lands in edx.dead, and the original is acked', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 10 });
    await consumer.start(async (messages) => messages.map(() => Outcome.deadLetter('SIGNATURE_INVALID', 'envelope signature does not verify')));
    await send(queue, 'd-1', { userId: 'guest' });
    const [dead] = await collect(await broker.raw(), Topology.deadQueue, 1);
    await consumer.stop();
    expect(dead.content.toString()).toBe('body of d-1');
    expect(dead.properties).toMatchObject({ messageId: 'd-1', userId: 'guest', deliveryMode: 2 });
    expect(dead.properties.headers).toMatchObject({
      [DeadLetterHeaders.code]: 'SIGNATURE_INVALID',
      [DeadLetterHeaders.reason]: 'envelope signature does not verify',
      [DeadLetterHeaders.sourceQueue]: queue,
      [DeadLetterHeaders.originalUserId]: 'guest',
      'x-trace': 't-1',
    });
    expect(Date.parse(String(dead.properties.headers![DeadLetterHeaders.failedAt]))).not.toBeNaN();
    expect(await messageCount(queue)).toBe(0);
  });

  it("dead-letters through the queue's dead-letter exchange when it may not write to edx.dead (deadLetterBy: reject)", async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 10, deadLetterBy: 'reject' });
    await consumer.start(async (messages) => messages.map(() => Outcome.deadLetter('ROUTING_RECIPIENT_UNROUTABLE', 'not hosted here')));
    await send(queue, 'j-1');
    const [dead] = await collect(await broker.raw(), Topology.deadQueue, 1);
    await consumer.stop();
    expect(dead.properties.messageId).toBe('j-1');
    expect(dead.properties.headers!['x-death']).toEqual([expect.objectContaining({ queue, reason: 'rejected' })]);
    expect(dead.properties.headers![DeadLetterHeaders.code]).toBeUndefined();
    expect(await messageCount(queue)).toBe(0);
  });

  it('dead-letters a message whose handler throws an unexpected error, once, never looping', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 10 });
    let calls = 0;
    await consumer.start(async () => {
      calls++;
      throw new TypeError("Cannot read properties of undefined (reading 'header')");
    });
    await send(queue, 'x-1');
    const [dead] = await collect(await broker.raw(), Topology.deadQueue, 1);
    await consumer.stop();
    expect(calls).toBe(1);
    expect(dead.properties.messageId).toBe('x-1');
    expect(dead.properties.headers).toMatchObject({ [DeadLetterHeaders.code]: 'INTERNAL_ERROR', [DeadLetterHeaders.sourceQueue]: queue });
    expect(String(dead.properties.headers![DeadLetterHeaders.reason])).toContain("reading 'header'");
    expect(await messageCount(queue)).toBe(0);
  });

  it('dead-letters a batch whose handler returned the wrong number of outcomes', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 10 });
    await consumer.start(async () => []);
    await send(queue, 'w-1');
    const [dead] = await collect(await broker.raw(), Topology.deadQueue, 1);
    await consumer.stop();
    expect(dead.properties.headers).toMatchObject({ [DeadLetterHeaders.code]: 'INTERNAL_ERROR' });
    expect(String(dead.properties.headers![DeadLetterHeaders.reason])).toContain('0 outcomes for 1 messages');
  });

  it('spends none of the delivery limit on a dependency outage longer than the whole budget, and fetches nothing new meanwhile', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 10, retryBackoff: { initialMs: 5, maxMs: 20 } });
    let failuresLeft = 30; // the queue's delivery limit is 20
    const handedWhileDown = new Set<string>();
    const seen: InboundMessage[] = [];
    await consumer.start(async (messages) => {
      if (failuresLeft-- > 0) {
        messages.forEach((m) => handedWhileDown.add(m.messageId!));
        // A document sent during the outage waits on the broker: the paused consumer does not fetch it.
        if (failuresLeft === 25) await send(queue, 'o-2');
        throw new EdxError('STORAGE_UNAVAILABLE', 'the database is restarting');
      }
      seen.push(...messages);
      return messages.map(() => Outcome.ack());
    });
    await send(queue, 'o-1');
    await waitFor(() => seen.length === 2, 20_000, 'both documents once the database is back');
    await consumer.stop();
    expect([...handedWhileDown]).toEqual(['o-1']);
    expect(seen.map((m) => [m.messageId, m.redelivered, m.deliveryCount])).toEqual([['o-1', false, undefined], ['o-2', false, undefined]]);
    expect(await messageCount(queue)).toBe(0);
    expect(await messageCount(Topology.deadQueue)).toBe(0);
  });

  it('splits a failing batch down to the one message that fails on its own, and dead-letters only that one', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 50, batch: { maxSize: 8, maxWaitMs: 200 } });
    const acked = new Set<string>();
    const sizes: number[] = [];
    await consumer.start(async (messages) => {
      sizes.push(messages.length);
      if (messages.some((m) => m.messageId === 'poison')) throw new EdxError('EDXML_TOO_MANY_ELEMENTS', 'too many parameters in one statement');
      messages.forEach((m) => acked.add(m.messageId!));
      return messages.map(() => Outcome.ack());
    });
    await Promise.all(['p-1', 'p-2', 'p-3', 'poison', 'p-5', 'p-6', 'p-7', 'p-8'].map((id) => send(queue, id)));
    const [dead] = await collect(await broker.raw(), Topology.deadQueue, 1);
    await waitFor(() => acked.size === 7, 5000, 'the seven innocent messages');
    await consumer.stop();
    expect(dead.properties.messageId).toBe('poison');
    expect(dead.properties.headers).toMatchObject({ [DeadLetterHeaders.code]: 'EDXML_TOO_MANY_ELEMENTS' });
    expect(sizes).toContain(1);
    expect(await messageCount(queue)).toBe(0);
  });

  it('start() on a connection that is not up yet waits for it, then consumes', async () => {
    const queue = await workQueue();
    const late = new AmqpConnection({ url: broker.url(), connectionName: 'late-consumer' });
    const consumer = new Consumer(late, publisher, { queue, prefetch: 10 });
    const ids: string[] = [];
    const started = consumer.start(async (messages) => {
      ids.push(...messages.map((m) => m.messageId!));
      return messages.map(() => Outcome.ack());
    });
    await late.start();
    await started;
    await send(queue, 'late-1');
    await waitFor(() => ids.includes('late-1'), 5000, 'delivery');
    await consumer.stop();
    await late.close();
  });

  it('start() rejects when the queue does not exist', async () => {
    const consumer = new Consumer(connection, publisher, { queue: 'no.such.queue', prefetch: 10 });
    await expect(consumer.start(async () => [])).rejects.toMatchObject({
      code: 'MESSAGING_BROKER_UNAVAILABLE',
      message: expect.stringContaining('NOT_FOUND'),
    });
  });

  it('stop() waits for the in-flight handler and its ack', async () => {
    const queue = await workQueue();
    const consumer = new Consumer(connection, publisher, { queue, prefetch: 10 });
    let started = false;
    let finished = false;
    await consumer.start(async (messages) => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 200));
      finished = true;
      return messages.map(() => Outcome.ack());
    });
    await send(queue, 's-1');
    await waitFor(() => started, 5000, 'handler start');
    await consumer.stop();
    expect(finished).toBe(true);
    expect(await messageCount(queue)).toBe(0);
  });
});
