import { DynamicModule, INestApplication, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EdxError, HEALTH_CHECKS, HealthController, HealthCheck, Logger, METRICS_REGISTRY } from '@edx/common';
import { AmqpBatchTransport } from '@edx/messaging';
import { HubSettings } from './hub.env';
import { hubRoutes } from './hub.routes';
import { HubWorker } from './hub.worker';
import { HubInboundConsumer } from './inbound/hub-inbound.consumer';
import { BlobsController } from './blobs/blobs.controller';

class HubLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly worker: HubWorker) {}
  onApplicationBootstrap(): Promise<void> {
    return this.worker.start();
  }
  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }
}

/** The hub: its work is the AMQP edges (HubInboundConsumer); its HTTP face is health, metrics and the blob API of the claim check (BlobsController). */
@Module({})
export class HubModule {
  static register(settings: HubSettings, logger: Logger): DynamicModule {
    return {
      module: HubModule,
      controllers: [HealthController, HubInboundConsumer, BlobsController],
      providers: [
        { provide: HubWorker, useFactory: () => new HubWorker(settings, logger) },
        { provide: HubLifecycle, useFactory: (worker: HubWorker) => new HubLifecycle(worker), inject: [HubWorker] },
        {
          provide: HEALTH_CHECKS,
          useFactory: (worker: HubWorker): HealthCheck[] => [
            {
              name: 'broker',
              check: async () => {
                if (!worker.connection.isConnected) throw new EdxError('MESSAGING_BROKER_UNAVAILABLE', 'The hub is not connected to the broker.');
              },
            },
            { name: 'database', check: async () => void (await worker.dataSource.query('SELECT 1')) },
          ],
          inject: [HubWorker],
        },
        { provide: METRICS_REGISTRY, useFactory: (worker: HubWorker) => worker.metrics.registry, inject: [HubWorker] },
      ],
    };
  }

  /** Connects the hub's AMQP transport to `app` (createHttpApp's `microservices` hook). */
  static microservices(settings: HubSettings, logger: Logger): (app: INestApplication) => void {
    return (app) => {
      app.connectMicroservice({ strategy: new AmqpBatchTransport(() => app.get(HubWorker), hubRoutes(settings), logger) });
    };
  }
}
