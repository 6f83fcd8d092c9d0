import { INestApplication } from '@nestjs/common';
import { createHttpApp, GatewayConfig, HttpAppOptions, Logger } from '@edx/common';
import { GatewayModule } from './gateway.module';
import { GatewaySettings } from './gateway.env';

/** The gateway app, initialised and consuming, not yet listening (main.ts and in-process tests). */
export function createGatewayApp(settings: GatewaySettings, config: GatewayConfig, logger: Logger, overrides: Partial<HttpAppOptions> = {}): Promise<INestApplication> {
  return createHttpApp(GatewayModule.register(settings, config, logger), {
    title: 'edx gateway',
    logger,
    openApi: true,
    bodyLimit: settings.maxPackageBytes,
    rawTypes: ['application/xml', 'text/xml', 'application/edxml+xml', 'application/octet-stream'],
    microservices: GatewayModule.microservices(settings, config, logger),
    ...overrides,
  });
}
