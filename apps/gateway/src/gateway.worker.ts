import { Logger, toEdxError } from '@edx/common';
import { AmqpConnection, ConfirmedPublisher, Consumer, OutboxRelay, Topology } from '@edx/messaging';
import { createGatewayDataSource, openDataSource } from '@edx/storage';
import { DataSource } from 'typeorm';
import { GatewayConfig } from './config/gateway-config';
import { GatewayTrust } from './config/gateway-trust';
import { HostedAgencies } from './config/hosted-agencies';
import { SendDocumentUseCase } from './documents/send-document.usecase';
import { GatewayEvents } from './events/gateway-events';
import { GatewaySettings } from './gateway.env';
import { InboxBatchHandler } from './inbox/inbox-batch.handler';
import { GatewayStore, PendingMessage } from './outbox/gateway.store';
import { PostStatusUseCase } from './statuses/post-status.usecase';

/**
 * One connected system: its database, its broker connection (as its own least-privilege user), the
 * consumer of its inbox and the relay of its outbox. The REST API keeps accepting documents while
 * the broker is away; the relay sends them when it is back.
 */
export class GatewayWorker {
  readonly dataSource: DataSource;
  readonly connection: AmqpConnection;
  readonly store: GatewayStore;
  readonly events = new GatewayEvents();
  readonly agencies: HostedAgencies;
  readonly trust: GatewayTrust;
  readonly send: SendDocumentUseCase;
  readonly postStatus: PostStatusUseCase;
  private readonly publisher: ConfirmedPublisher;
  private readonly relay: OutboxRelay<PendingMessage>;
  private consumer?: Consumer;

  constructor(
    private readonly settings: GatewaySettings,
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
  ) {
    this.dataSource = createGatewayDataSource({ url: config.databaseUrl, poolSize: 8 });
    this.connection = new AmqpConnection({ url: config.amqpUrl, connectionName: `edx-gateway-${config.systemId}` }, logger);
    this.store = new GatewayStore(this.dataSource);
    this.agencies = new HostedAgencies(config.agencies);
    this.trust = new GatewayTrust(config.trust, { requireOrganisationSignature: settings.signaturePolicy });
    this.publisher = new ConfirmedPublisher(this.connection, { publishAsConnectionUser: true });
    const amqpUser = decodeURIComponent(new URL(config.amqpUrl).username);
    this.relay = new OutboxRelay<PendingMessage>(
      this.store,
      this.publisher,
      (item) => ({
        exchange: Topology.hubExchange,
        routingKey: item.routingKey,
        body: item.payload,
        properties: { messageId: item.messageId, type: item.type, userId: amqpUser, headers: item.headers, contentType: 'application/xml' },
      }),
      { batchSize: 200, idleMs: 500 },
      logger,
    );
    const kick = () => this.relay.kick();
    this.send = new SendDocumentUseCase(this.store, this.trust, kick, settings.maxPackageBytes);
    this.postStatus = new PostStatusUseCase(this.store, kick);
  }

  async start(): Promise<void> {
    await openDataSource(this.dataSource);
    // The broker may be down: the gateway still starts, accepts documents and keeps them in its outbox.
    this.connection.start().catch((error) => this.logger.warn({ err: toEdxError(error).message }, 'broker not reachable yet; retrying'));
    this.relay.start();
    const handler = new InboxBatchHandler(this.agencies, this.trust, this.store, this.events, () => this.relay.kick(), this.logger);
    this.consumer = new Consumer(
      this.connection,
      this.publisher,
      { queue: Topology.systemInbox(this.config.systemId), prefetch: this.settings.prefetch, batch: this.settings.batch },
      this.logger,
    );
    await this.consumer.start((messages) => handler.handle(messages));
    this.logger.info({ systemId: this.config.systemId, agencies: this.agencies.codes() }, 'gateway consuming');
  }

  async stop(): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
    await this.relay.stop();
    await this.connection.close().catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
