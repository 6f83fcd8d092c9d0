import 'reflect-metadata';
import { createLogger, startHttpApp } from '@edx/common';
import { loadGatewayConfig } from './config/gateway-config';
import { GatewayModule } from './gateway.module';
import { loadGatewaySettings } from './gateway.env';

async function main(): Promise<void> {
  const settings = loadGatewaySettings();
  const config = loadGatewayConfig(settings.configFile);
  const logger = createLogger(`gateway:${config.systemId}`, settings.logLevel);
  await startHttpApp(GatewayModule.register(settings, config, logger), {
    title: 'edx gateway',
    host: settings.host,
    port: settings.port,
    logger,
    openApi: true,
    bodyLimit: settings.maxPackageBytes,
    rawTypes: ['application/xml', 'text/xml', 'application/edxml+xml', 'application/octet-stream'],
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
