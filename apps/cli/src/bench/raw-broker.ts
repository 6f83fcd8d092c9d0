import { randomUUID } from 'node:crypto';
import { createLogger } from '@edx/common';
import { AmqpConnection, AmqpTlsFiles, ConfirmedPublisher, Consumer, Outcome } from '@edx/messaging';

/**
 * The raw broker rate on this machine, now: persistent messages of `size` bytes published with
 * confirms (pipelined, window 256) to a quorum queue and consumed with manual acks (prefetch 1000).
 * This is the yardstick the exchange's efficiency is measured against, over the same kind of
 * connection the exchange uses (TLS with a client certificate).
 */
export async function measureRawBroker(amqpUrl: string, tls: AmqpTlsFiles, size: number, count: number): Promise<number> {
  const logger = createLogger('bench-raw', 'warn');
  const connection = new AmqpConnection({ url: amqpUrl, tls, connectionName: 'edx-bench-raw' }, logger);
  await connection.start();
  const queue = `bench.raw.${randomUUID().slice(0, 8)}`;
  const ch = await connection.createChannel();
  await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  const publisher = new ConfirmedPublisher(connection, { maxInFlight: 256 });
  const consumer = new Consumer(connection, publisher, { queue, prefetch: 1000 }, logger);
  let consumed = 0;
  let allConsumed!: () => void;
  const done = new Promise<void>((resolve) => (allConsumed = resolve));
  await consumer.start(async (messages) => {
    consumed += messages.length;
    if (consumed >= count) allConsumed();
    return messages.map(() => Outcome.ack());
  });
  const body = Buffer.alloc(size, 0x61);
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: count }, (_, i) => publisher.publish('', queue, body, { messageId: `raw-${i}` })));
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await consumer.stop();
  await ch.deleteQueue(queue);
  await ch.close();
  await connection.close();
  return count / seconds;
}
