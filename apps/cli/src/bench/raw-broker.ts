import { AmqpTlsFiles, ConfirmedPublisher, Consumer, Outcome } from '@edx/messaging';
import { openScratchQueue } from './scratch-queue';

/**
 * The raw broker rate on this machine, now: persistent messages of `size` bytes published with
 * confirms (pipelined, window 256) to a quorum queue and consumed with manual acks (prefetch 1000).
 * This is the yardstick the exchange's efficiency is measured against, over the same kind of
 * connection the exchange uses (TLS with a client certificate).
 */
export async function measureRawBroker(amqpUrl: string, tls: AmqpTlsFiles, size: number, count: number): Promise<number> {
  const { connection, queue, logger, dispose } = await openScratchQueue(amqpUrl, tls, 'raw');
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
  await dispose();
  return count / seconds;
}
