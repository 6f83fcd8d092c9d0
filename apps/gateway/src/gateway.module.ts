import { BeforeApplicationShutdown, DynamicModule, INestApplication, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EdxError, GatewayConfig, HEALTH_CHECKS, HealthCheck, HealthController, Logger, METRICS_REGISTRY } from '@edx/common';
import { AmqpBatchTransport } from '@edx/messaging';
import { AgencyGuard } from './auth/agency.guard';
import { HostedAgencies } from './config/hosted-agencies';
import { CheckpointsController } from './checkpoints/checkpoints.controller';
import { MULTIPART_LIMITS, MULTIPART_SPILL, MultipartLimits, MultipartSpill } from './documents/multipart-document';
import { HubBlobClient } from './blobs/hub-blob-client';
import { DocumentsController } from './documents/documents.controller';
import { SendDocumentUseCase } from './documents/send-document.usecase';
import { GatewayEvents } from './events/gateway-events';
import { GatewaySettings } from './gateway.env';
import { gatewayRoutes } from './gateway.routes';
import { GatewayWorker } from './gateway.worker';
import { InboxConsumer } from './inbox/inbox.consumer';
import { GatewayStore } from './outbox/gateway.store';
import { PostStatusUseCase } from './statuses/post-status.usecase';

class GatewayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(private readonly worker: GatewayWorker) {}
  onApplicationBootstrap(): Promise<void> {
    return this.worker.start();
  }
  /** Before the HTTP server closes: it waits for open connections, and a live event stream never ends by itself. */
  beforeApplicationShutdown(): void {
    this.worker.events.close();
  }
  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }
}

@Module({})
export class GatewayModule {
  static register(settings: GatewaySettings, config: GatewayConfig, logger: Logger): DynamicModule {
    const from = <T>(pick: (w: GatewayWorker) => T) => ({ useFactory: pick, inject: [GatewayWorker] });
    return {
      module: GatewayModule,
      controllers: [HealthController, DocumentsController, CheckpointsController, InboxConsumer],
      providers: [
        { provide: GatewayWorker, useFactory: () => new GatewayWorker(settings, config, logger) },
        { provide: GatewayLifecycle, ...from((w) => new GatewayLifecycle(w)) },
        { provide: SendDocumentUseCase, ...from((w) => w.send) },
        { provide: PostStatusUseCase, ...from((w) => w.postStatus) },
        { provide: GatewayStore, ...from((w) => w.store) },
        { provide: GatewayEvents, ...from((w) => w.events) },
        { provide: HostedAgencies, ...from((w) => w.agencies) },
        { provide: MULTIPART_LIMITS, useValue: { maxBytes: settings.packageLimit.bytes, maxBytesSetting: settings.packageLimit.setting, maxFiles: 100 } satisfies MultipartLimits },
        // A file larger than the claim-check size streams on into the hub's store as it arrives.
        { provide: MULTIPART_SPILL, ...from((w): MultipartSpill => ({ aboveBytes: settings.claimCheckAboveBytes, upload: (source) => w.blobs.upload(source) })) },
        { provide: HubBlobClient, ...from((w) => w.blobs) },
        AgencyGuard,
        {
          provide: HEALTH_CHECKS,
          ...from((w): HealthCheck[] => [
            {
              name: 'broker',
              check: async () => {
                if (!w.connection.isConnected) throw new EdxError('MESSAGING_BROKER_UNAVAILABLE', 'The gateway is not connected to the broker.');
              },
            },
            { name: 'database', check: async () => void (await w.dataSource.query('SELECT 1')) },
          ]),
        },
        { provide: METRICS_REGISTRY, ...from((w) => w.metrics.registry) },
      ],
    };
  }

  /** Connects the gateway's AMQP transport (its inbox) to `app` (createHttpApp's `microservices` hook). */
  static microservices(settings: GatewaySettings, config: GatewayConfig, logger: Logger): (app: INestApplication) => void {
    return (app) => {
      app.connectMicroservice({ strategy: new AmqpBatchTransport(() => app.get(GatewayWorker), gatewayRoutes(settings, config), logger) });
    };
  }
}
