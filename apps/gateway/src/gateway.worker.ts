import { readFileSync } from 'node:fs';
import { CrashPoints, EdxError, gatewayBrokerOf, GatewayConfig, Logger, readPassphraseFile, StageClock, tlsFetch, toEdxError } from '@edx/common';
import { AmqpConnection, AmqpTransportResources, brokerConnectionOf, ConfirmedPublisher, InboundMessage, Outcome, OutboxRelay, StatusHeaders, Topology } from '@edx/messaging';
import { createGatewayDataSource, openDataSource } from '@edx/storage';
import { DEFAULT_ALGORITHM_POLICY, RevocationService, VerificationPool, assertOwnSignatureAccepted, revocationServiceFor } from '@edx/trust';
import { DataSource } from 'typeorm';
import { GatewayTrust } from './config/gateway-trust';
import { GatewayMetrics } from './metrics/gateway.metrics';
import { DirectoryFollower } from './config/directory-follower';
import { HostedAgencies } from './config/hosted-agencies';
import { SendDocumentUseCase } from './documents/send-document.usecase';
import { GatewayEvents } from './events/gateway-events';
import { GatewaySettings } from './gateway.env';
import { HubBlobClient } from './blobs/hub-blob-client';
import { InboxBatchHandler } from './inbox/inbox-batch.handler';
import { GatewayStore, PendingMessage } from './outbox/gateway.store';
import { PostStatusUseCase } from './statuses/post-status.usecase';

/**
 * One connected system: its database, its broker connection (as its own least-privilege user), the
 * handler its inbox edge hands batches to, and the relay of its outbox. The REST API keeps accepting
 * documents while the broker is away; the relay sends them when it is back.
 */
export class GatewayWorker implements AmqpTransportResources {
  readonly dataSource: DataSource;
  readonly connection: AmqpConnection;
  readonly store: GatewayStore;
  readonly events = new GatewayEvents();
  readonly agencies: HostedAgencies;
  readonly trust: GatewayTrust;
  readonly send: SendDocumentUseCase;
  readonly postStatus: PostStatusUseCase;
  readonly publisher: ConfirmedPublisher;
  private readonly relay: OutboxRelay<PendingMessage>;
  private readonly inbox: InboxBatchHandler;
  private readonly revocation: RevocationService;
  /** The agencies the console's directory gives this system (an enrolled gateway's); none for one configured by hand. */
  readonly directory?: DirectoryFollower;
  /** Its business metrics; the registry is what /metrics serves. */
  readonly metrics: GatewayMetrics;

  /** The hub's claim-check store, for large attachments sent and received. */
  readonly blobs: HubBlobClient;

  constructor(
    private readonly settings: GatewaySettings,
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
  ) {
    this.dataSource = createGatewayDataSource({ url: config.databaseUrl, poolSize: 8, warmConnections: 4 });
    const passphrase = readPassphraseFile(settings.keyPassphraseFile);
    this.connection = new AmqpConnection({ ...brokerConnectionOf(gatewayBrokerOf(config, settings.amqpPlainAllowed), passphrase), connectionName: `edx-gateway-${config.systemId}` }, logger);
    this.store = new GatewayStore(this.dataSource, settings.outboxMaxAttempts);
    this.agencies = new HostedAgencies(config.agencies, passphrase);
    // One HTTPS client for what the gateway asks the console: its CRLs and its directory.
    const consoleClient = tlsFetch({ ca: transportCaOf(config) });
    this.revocation = revocationServiceFor(settings.revocation, logger, config.trust.crlSources, consoleClient);
    this.trust = new GatewayTrust(config.trust, { requireOrganisationSignature: settings.signaturePolicy }, settings.hubOrganId, this.revocation, settings.revocation.unknown, {
      ...DEFAULT_ALGORITHM_POLICY,
      sha1AllowedBefore: settings.sha1AllowedBefore,
    }, new VerificationPool(settings.workers));
    if (config.console) this.directory = new DirectoryFollower({ ...config, console: config.console }, this.agencies, this.trust.store, passphrase, consoleClient, logger);
    const crash = new CrashPoints(settings.crashAt);
    const stages = new StageClock(settings.stageLogDir, 'gateway');
    this.publisher = new ConfirmedPublisher(this.connection, { publishAsConnectionUser: true, afterWrite: () => crash.reach('gateway:after-publish') });
    // The broker user it authenticated as (its certificate's CN): the broker checks user_id against it.
    const amqpUser = this.connection.username;
    this.relay = new OutboxRelay<PendingMessage>(
      this.store,
      this.publisher,
      (item) => ({
        exchange: Topology.hubExchange,
        routingKey: item.routingKey,
        body: item.payload,
        properties: { messageId: item.messageId, type: item.type, userId: amqpUser, headers: item.headers, contentType: 'application/xml' },
      }),
      {
        batchSize: 200,
        idleMs: 500,
        beforeMark: (confirmed) => {
          crash.reach('gateway:before-mark');
          stages.mark('gateway:package-published', confirmed.filter((m) => m.type === 'package').map((m) => m.messageId));
          stages.mark('gateway:status-published', confirmed.filter((m) => m.type === 'status').map((m) => String(m.headers[StatusHeaders.packageId] ?? '')));
        },
      },
      logger,
    );
    const kick = () => this.relay.kick();
    this.metrics = new GatewayMetrics(this.store);
    // The hub's blob API, reached with the system's transport certificate (the one it connects to the broker with).
    const amqp = config.amqp;
    this.blobs = new HubBlobClient(settings.hubUrl, tlsFetch({ ca: transportCaOf(config), ...(amqp ? { cert: readFileSync(amqp.certFile), key: readFileSync(amqp.keyFile), passphrase } : {}) }));
    this.send = new SendDocumentUseCase(this.store, this.trust, kick, settings.packageLimit.bytes, this.metrics, { blobs: this.blobs, aboveBytes: settings.claimCheckAboveBytes, maxOpenBytes: settings.maxOpenBytes });
    this.postStatus = new PostStatusUseCase(this.store, kick);
    const learnAgencies = () => this.directory?.refreshForUnknown() ?? Promise.resolve();
    this.inbox = new InboxBatchHandler(this.agencies, learnAgencies, this.trust, this.store, this.events, kick, this.logger, crash, this.metrics, stages, { blobs: this.blobs, maxOpenBytes: settings.maxOpenBytes });
  }

  /** Refuses to run with a signing certificate its receivers would refuse; opens the database; the broker may come later. */
  async start(): Promise<void> {
    this.checkOwnCertificates();
    await openDataSource(this.dataSource);
    await this.revocation.start();
    await this.directory?.start();
    // The broker may be down: the gateway still starts, accepts documents and keeps them in its outbox.
    this.connection.start().catch((error) => this.logger.warn({ err: toEdxError(error).message }, 'broker not reachable yet; retrying'));
    this.relay.start();
    this.logger.info({ systemId: this.config.systemId, agencies: this.agencies.codes() }, 'gateway started');
  }

  /** A batch from this system's inbox: packages and statuses for its agencies, one Outcome each. */
  handleInbox(messages: InboundMessage[]): Promise<Outcome[]> {
    return this.inbox.handle(messages);
  }

  async stop(): Promise<void> {
    this.directory?.stop();
    this.revocation.stop();
    await this.trust.verifier.close();
    await this.relay.stop();
    await this.connection.close().catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /**
   * Every hosted agency's certificate must chain to this gateway's anchors and name that agency, and
   * what it signs must verify so (one status each, which also warms the parse, sign and verify path).
   */
  private checkOwnCertificates(): void {
    const started = performance.now();
    for (const code of this.agencies.codes()) {
      assertOwnSignatureAccepted(this.agencies.get(code)!.identity, this.trust.store, code, {
        who: `Agency ${code} at gateway ${this.config.systemId}`,
        fix: `Give it a certificate for ${code} issued under this gateway's trust anchors (${this.config.trust.anchors.join(', ')}), or for the demo start over with \`npx edx up --reset\`.`,
      });
    }
    this.logger.info({ agencies: this.agencies.codes().length, ms: Math.round(performance.now() - started) }, "hosted agencies' signatures verified as their receivers will (signing path warm)");
  }
}

/** The transport CA the gateway's HTTPS calls trust (its configuration's `transportCa`), undefined for the system's roots. */
function transportCaOf(config: GatewayConfig): string | undefined {
  if (!config.transportCa) return undefined;
  try {
    return readFileSync(config.transportCa, 'utf8');
  } catch (error) {
    throw new EdxError('CONFIG_INVALID', `The gateway configuration's transportCa ${config.transportCa} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}
