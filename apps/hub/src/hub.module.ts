import { DynamicModule, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EdxError, HEALTH_CHECKS, HealthController, HealthCheck, Logger, METRICS_REGISTRY, createMetricsRegistry } from '@edx/common';
import { HubSettings } from './hub.env';
import { HubWorker } from './hub.worker';

export const HUB_SETTINGS = Symbol('HUB_SETTINGS');
export const HUB_LOGGER = Symbol('HUB_LOGGER');

class HubLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly worker: HubWorker) {}
  onApplicationBootstrap(): Promise<void> {
    return this.worker.start();
  }
  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }
}

/** The hub's HTTP face is health and metrics only; its work is the AMQP worker. */
@Module({})
export class HubModule {
  static register(settings: HubSettings, logger: Logger): DynamicModule {
    return {
      module: HubModule,
      controllers: [HealthController],
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
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry('hub') },
      ],
    };
  }
}
