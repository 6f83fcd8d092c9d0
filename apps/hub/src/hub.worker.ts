import { readFileSync } from 'node:fs';
import { Logger, toEdxError } from '@edx/common';
import { AmqpConnection, ConfirmedPublisher, Consumer, Outcome, Topology, declareCoreTopology } from '@edx/messaging';
import { createHubDataSource, openDataSource } from '@edx/storage';
import { loadIdentity } from '@edx/trust';
import { DataSource } from 'typeorm';
import { DeadLetterRecorder } from './dead-letters/dead-letter.recorder';
import { DirectoryRepository } from './directory/directory.repository';
import { HubSettings } from './hub.env';
import { InboundBatchHandler } from './inbound/inbound-batch.handler';
import { CheckStatusUseCase } from './receipts/apply-status.usecase';
import { StatusIssuer } from './receipts/status-issuer';
import { ExchangeRepository } from './records/exchange.repository';
import { HubTrust } from './routing/hub-trust';
import { RoutePackageUseCase } from './routing/route-package.usecase';

/**
 * The hub process's moving parts: database, broker connection, the hub.inbound consumer and the
 * dead-letter recorder. Stateless apart from caches: run as many copies as the broker and database
 * allow; they compete for hub.inbound.
 */
export class HubWorker {
  readonly dataSource: DataSource;
  readonly connection: AmqpConnection;
  private readonly consumers: Consumer[] = [];

  constructor(
    private readonly settings: HubSettings,
    private readonly logger: Logger,
  ) {
    this.dataSource = createHubDataSource({ url: settings.databaseUrl, poolSize: 8 });
    this.connection = new AmqpConnection({ url: settings.amqpUrl, connectionName: 'edx-hub' }, logger);
  }

  async start(): Promise<void> {
    const identity = loadIdentity({
      pem: { key: readFileSync(this.settings.identity.keyFile, 'utf8'), cert: readFileSync(this.settings.identity.certFile, 'utf8') },
    });
    await openDataSource(this.dataSource);
    this.connection.onTopology((ch) => declareCoreTopology(ch));
    await this.connection.start();
    const publisher = new ConfirmedPublisher(this.connection);
    const trust = new HubTrust({ requireOrganisationSignature: this.settings.signaturePolicy });
    const handler = new InboundBatchHandler(
      new DirectoryRepository(this.dataSource, this.settings.directoryCacheMs),
      new ExchangeRepository(this.dataSource),
      new RoutePackageUseCase(trust, this.settings.organId),
      new CheckStatusUseCase(trust),
      new StatusIssuer(identity, this.settings.organId, this.settings.organName),
      publisher,
      this.logger,
    );
    const inbound = new Consumer(
      this.connection,
      publisher,
      { queue: Topology.hubInboundQueue, prefetch: this.settings.prefetch, batch: this.settings.batch },
      this.logger,
    );
    await inbound.start((messages) => handler.handle(messages));
    const recorder = new DeadLetterRecorder(this.dataSource);
    const dead = new Consumer(this.connection, publisher, { queue: Topology.deadQueue, prefetch: 100, batch: { maxSize: 50, maxWaitMs: 20 } }, this.logger);
    // A dead letter that cannot be recorded stays on edx.dead: never dead-letter a dead letter.
    await dead.start(async (messages) => {
      try {
        return await recorder.handle(messages);
      } catch (error) {
        return messages.map(() => Outcome.retry(toEdxError(error).message, 1000));
      }
    });
    this.consumers.push(inbound, dead);
    this.logger.info({ queue: Topology.hubInboundQueue, prefetch: this.settings.prefetch }, 'hub consuming');
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
    await this.connection.close().catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
