import { Controller, INestApplication, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { EdxError } from '@edx/common';
import { AmqpConnection } from '../connection/amqp-connection';
import { InboundMessage } from '../consumer/consumer';
import { DeadLetterHeaders, Outcome } from '../consumer/outcome';
import { ConfirmedPublisher } from '../publisher/confirmed-publisher';
import { TestBroker, collect, createTestBroker, waitFor } from '../testing/broker-fixture';
import { Topology, WORK_QUEUE_ARGUMENTS, declareCoreTopology } from '../topology/topology';
import { AmqpBatchContext, AmqpBatchTransport, RethrowRpcErrors } from './amqp-batch.transport';

/** What the handler below saw and does, per message body. */
const seen: Array<{ body: string; queue: string; batch: number }> = [];
const failuresLeft = new Map<string, number>();

@Controller()
@UseFilters(RethrowRpcErrors)
class WorkConsumer {
  @MessagePattern('work')
  handle(@Payload() batch: InboundMessage[], @Ctx() context: AmqpBatchContext): Outcome[] {
    return batch.map((m) => {
      const body = m.body.toString();
      seen.push({ body, queue: context.queue, batch: batch.length });
      const left = failuresLeft.get(body) ?? 0;
      if (left > 0) {
        failuresLeft.set(body, left - 1);
        throw new EdxError('STORAGE_UNAVAILABLE', 'The database is away.');
      }
      return body.startsWith('poison') ? Outcome.deadLetter('EDXML_MALFORMED', 'not XML') : Outcome.ack();
    });
  }
}

@Module({ controllers: [WorkConsumer] })
class WorkModule {}

describe('AmqpBatchTransport: @MessagePattern handlers over the Consumer (real broker)', () => {
  let broker: TestBroker;
  let connection: AmqpConnection;
  let publisher: ConfirmedPublisher;
  let app: INestApplication;
  const queue = 'work.nest';

  beforeAll(async () => {
    broker = await createTestBroker('edx_test_nest');
    connection = new AmqpConnection({ url: broker.url(), connectionName: 'nest-transport-spec' });
    connection.onTopology(async (ch) => {
      await declareCoreTopology(ch);
      await ch.assertQueue(queue, { durable: true, arguments: WORK_QUEUE_ARGUMENTS });
    });
    await connection.start();
    publisher = new ConfirmedPublisher(connection);
    app = await NestFactory.create(WorkModule, { logger: false });
    const routes = { work: { queue, prefetch: 20, batch: { maxSize: 10, maxWaitMs: 20 }, retryBackoff: { initialMs: 20, maxMs: 50 } } };
    app.connectMicroservice({ strategy: new AmqpBatchTransport(() => ({ connection, publisher }), routes) });
    await app.init();
    await app.startAllMicroservices();
  });

  afterAll(async () => {
    await app.close();
    await publisher.close();
    await connection.close();
    await broker.dispose();
  });

  const send = (body: string) => publisher.publish('', queue, Buffer.from(body), { messageId: body, type: 'package' });

  it('hands the handler batches from its route, and acks what it acked', async () => {
    for (const id of ['a-1', 'a-2', 'a-3']) await send(id);
    await waitFor(() => seen.filter((s) => s.body.startsWith('a-')).length === 3, 10_000, 'three messages');
    expect(seen.every((s) => s.queue === queue)).toBe(true);
    const ch = await (await broker.raw()).createChannel();
    await waitFor(async () => (await ch.checkQueue(queue)).messageCount === 0, 5000, 'an empty queue');
  });

  it('lets a transient error reach the Consumer, so the message is retried and delivered, not dead-lettered', async () => {
    failuresLeft.set('t-1', 2);
    await send('t-1');
    await waitFor(() => seen.filter((s) => s.body === 't-1').length === 3, 15_000, 'two retries and a success');
    const ch = await (await broker.raw()).createChannel();
    expect((await ch.checkQueue(Topology.deadQueue)).messageCount).toBe(0);
  });

  it('dead-letters what the handler dead-letters, with its code', async () => {
    await send('poison-1');
    const [dead] = await collect(await broker.raw(), Topology.deadQueue, 1);
    expect(dead.content.toString()).toBe('poison-1');
    expect(dead.properties.headers?.[DeadLetterHeaders.code]).toBe('EDXML_MALFORMED');
  });
});
