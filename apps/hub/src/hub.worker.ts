import { CrashPoints, Logger, readPassphraseFile, StageClock, toEdxError } from '@edx/common';
import { AmqpConnection, AmqpTransportResources, brokerConnectionOf, ConfirmedPublisher, InboundMessage, Outcome, declareCoreTopology } from '@edx/messaging';
import { BlobStore, createHubDataSource, openDataSource } from '@edx/storage';
import { DEFAULT_ALGORITHM_POLICY, RevocationService, VerificationPool, SigningIdentity, assertOwnSignatureAccepted, loadIdentityFiles, revocationServiceFor } from '@edx/trust';
import { DataSource } from 'typeorm';
import { ChainCheckpointUseCase } from './checkpoints/chain-checkpoint.usecase';
import { CheckpointRepository } from './checkpoints/checkpoint.repository';
import { DeadLetterRecorder } from './dead-letters/dead-letter.recorder';
import { DeadLetterReplayUseCase } from './dead-letters/dead-letter-replay.usecase';
import { ReplayPoller } from './dead-letters/replay.poller';
import { DirectoryRepository } from './directory/directory.repository';
import { HubSettings } from './hub.env';
import { InboundBatchHandler } from './inbound/inbound-batch.handler';
import { CheckStatusUseCase } from './receipts/apply-status.usecase';
import { StatusIssuer } from './receipts/status-issuer';
import { ExchangeRepository } from './records/exchange.repository';
import { HubMetrics } from './metrics/hub.metrics';
import { HubTrust } from './routing/hub-trust';
import { RoutePackageUseCase } from './routing/route-package.usecase';
import { ReleaseHeldUseCase } from './routing/release-held.usecase';

/**
 * The hub process's resources: database, broker connection, and the handlers its AMQP edges hand
 * batches to (hub.inbound, edx.dead). Stateless apart from caches: run as many copies as the broker
 * and database allow; they compete for hub.inbound.
 */
export class HubWorker implements AmqpTransportResources {
  readonly dataSource: DataSource;
  readonly connection: AmqpConnection;
  readonly publisher: ConfirmedPublisher;
  private inboundHandler?: InboundBatchHandler;
  private readonly recorder: DeadLetterRecorder;
  private readonly crash: CrashPoints;
  private readonly revocation: RevocationService;
  private readonly verifier: VerificationPool;
  /** Its business counters; the registry is what /metrics serves. */
  readonly metrics = new HubMetrics();
  /** The claim-check store large attachments travel through (BlobsController). */
  readonly blobs: BlobStore;
  private replays?: ReplayPoller;
  private checkpoints?: ReplayPoller;
  private releases?: ReplayPoller;
  private blobSweeps?: ReplayPoller;
  /** Checkpoints go out on their own channel: the crash points test the document path, and a checkpoint must not be what trips them. */
  private readonly checkpointPublisher: ConfirmedPublisher;

  constructor(
    private readonly settings: HubSettings,
    private readonly logger: Logger,
  ) {
    this.dataSource = createHubDataSource({ url: settings.databaseUrl, poolSize: 8, warmConnections: 4 });
    this.connection = new AmqpConnection({ ...brokerConnectionOf(settings.amqp, readPassphraseFile(settings.keyPassphraseFile)), connectionName: 'edx-hub' }, logger);
    this.crash = new CrashPoints(settings.crashAt);
    this.publisher = new ConfirmedPublisher(this.connection, { afterWrite: () => this.crash.reach('hub:after-publish') });
    this.checkpointPublisher = new ConfirmedPublisher(this.connection);
    this.recorder = new DeadLetterRecorder(this.dataSource, this.connection.username);
    this.revocation = revocationServiceFor(settings.revocation, logger);
    this.verifier = new VerificationPool(settings.workers);
    this.blobs = new BlobStore(this.dataSource);
  }

  /** Whether the HTTPS server asks for client certificates, which the blob API needs. */
  get asksClientCertificates(): boolean {
    return this.settings.http.tls?.clientCaFile !== undefined;
  }

  get maxAttachmentBytes(): number {
    return this.settings.maxAttachmentBytes;
  }

  /** Opens the database and the broker, and refuses to run with a certificate the gateways would refuse. */
  async start(): Promise<void> {
    const identity = loadIdentityFiles(this.settings.identity.keyFile, this.settings.identity.certFile, readPassphraseFile(this.settings.keyPassphraseFile));
    await openDataSource(this.dataSource);
    const directory = new DirectoryRepository(this.dataSource, this.settings.directoryCacheMs);
    const trust = new HubTrust({ requireOrganisationSignature: this.settings.signaturePolicy }, { service: this.revocation, unknown: this.settings.revocation.unknown }, {
      ...DEFAULT_ALGORITHM_POLICY,
      sha1AllowedBefore: this.settings.sha1AllowedBefore,
    });
    await this.checkOwnCertificate(identity, directory, trust);
    this.connection.onTopology((ch) => declareCoreTopology(ch));
    await this.connection.start();
    const records = new ExchangeRepository(this.dataSource);
    this.inboundHandler = new InboundBatchHandler(
      directory,
      records,
      new RoutePackageUseCase(trust, this.settings.organId, this.verifier, this.settings.suspendedRecipient, { store: this.blobs, maxOpenBytes: this.settings.maxOpenBytes }),
      new CheckStatusUseCase(trust),
      new StatusIssuer(identity, this.settings.organId, this.settings.organName),
      this.publisher,
      this.logger,
      this.crash,
      this.revocation,
      this.metrics,
      new StageClock(this.settings.stageLogDir, 'hub'),
    );
    const replay = new DeadLetterReplayUseCase(this.dataSource, (messages) => this.handleInbound(messages), this.publisher, this.logger);
    this.replays = new ReplayPoller(() => replay.runPending(), this.settings.replayPollMs, this.logger);
    this.replays.start();
    // Operators' requests are polled as often as replays; a checkpoint is otherwise taken every interval.
    const checkpoint = new ChainCheckpointUseCase(new CheckpointRepository(this.dataSource), identity, this.settings.organId, this.checkpointPublisher, this.settings.checkpointIntervalMs, this.logger);
    this.checkpoints = new ReplayPoller(() => checkpoint.runPending(), this.settings.replayPollMs, this.logger, 'chain checkpoints');
    this.checkpoints.start();
    // Deliveries held for suspended recipients leave once they are active again (also held under an earlier setting).
    const release = new ReleaseHeldUseCase(records, this.publisher, this.logger);
    this.releases = new ReplayPoller(() => release.runPending(), this.settings.replayPollMs, this.logger, 'held deliveries');
    this.releases.start();
    // Blobs of packages that were refused or never sent do not stay for ever.
    const { unclaimedDays, intervalMs } = this.settings.blobSweep;
    this.blobSweeps = new ReplayPoller(() => this.blobs.sweepUnclaimed(new Date(Date.now() - unclaimedDays * 86_400_000)), intervalMs, this.logger, 'unclaimed blob sweeps');
    this.blobSweeps.start();
  }

  /** A batch from hub.inbound: packages and statuses, one Outcome each. */
  handleInbound(messages: InboundMessage[]): Promise<Outcome[]> {
    return this.inboundHandler!.handle(messages);
  }

  /** A batch from edx.dead. While it cannot be recorded it stays here: never dead-letter a dead letter. */
  async recordDeadLetters(messages: InboundMessage[]): Promise<Outcome[]> {
    try {
      return await this.recorder.handle(messages);
    } catch (error) {
      const e = toEdxError(error);
      return messages.map(() => (e.code === 'STORAGE_UNAVAILABLE' ? Outcome.dependencyDown(e.message) : Outcome.retry(e.message, 1000)));
    }
  }

  async stop(): Promise<void> {
    await this.replays?.stop();
    await this.checkpoints?.stop();
    await this.releases?.stop();
    await this.blobSweeps?.stop();
    await this.checkpointPublisher.close();
    await this.connection.close().catch(() => undefined);
    await this.verifier.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /**
   * The statuses the hub signs are checked by gateways against the anchors the directory hands out:
   * it signs one and verifies it so, which also warms the parse, sign and verify path before traffic.
   */
  private async checkOwnCertificate(identity: SigningIdentity, directory: DirectoryRepository, trust: HubTrust): Promise<void> {
    const ms = assertOwnSignatureAccepted(identity, trust.trustStore(await directory.current()), this.settings.organId, {
      who: 'The hub',
      fix:
        `Give the hub (EDX_HUB_KEY_FILE, EDX_HUB_CERT_FILE) a certificate for ${this.settings.organId} from a CA the console lists ` +
        '(POST /v1/trust/anchors), or for the demo start over with `npx edx up --reset`.',
    });
    this.logger.info({ ms: Math.round(ms) }, 'own signature verified as the gateways will (signing path warm)');
  }
}
