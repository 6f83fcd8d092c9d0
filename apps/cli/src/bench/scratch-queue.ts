import { randomUUID } from 'node:crypto';
import { Logger, createLogger } from '@edx/common';
import { AmqpConnection, AmqpTlsFiles } from '@edx/messaging';

/** A quorum queue of the bench's own on its own connection (TLS with the raw user's certificate), removed by `dispose`. */
export interface ScratchQueue {
  readonly connection: AmqpConnection;
  readonly queue: string;
  readonly logger: Logger;
  dispose(): Promise<void>;
}

/** Opens a connection named `edx-bench-<name>` and declares `bench.<name>.<random>` on it. */
export async function openScratchQueue(amqpUrl: string, tls: AmqpTlsFiles, name: string): Promise<ScratchQueue> {
  const logger = createLogger(`bench-${name}`, 'warn');
  const connection = new AmqpConnection({ url: amqpUrl, tls, connectionName: `edx-bench-${name}` }, logger);
  await connection.start();
  const queue = `bench.${name}.${randomUUID().slice(0, 8)}`;
  const channel = await connection.createChannel();
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  return {
    connection, queue, logger,
    async dispose() {
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
      await connection.close();
    },
  };
}
