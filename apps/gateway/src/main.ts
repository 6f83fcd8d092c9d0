import 'reflect-metadata';
import { createLogger, loadGatewayConfig } from '@edx/common';
import { createGatewayApp } from './gateway.app';
import { loadGatewaySettings } from './gateway.env';

async function main(): Promise<void> {
  const settings = loadGatewaySettings();
  const config = loadGatewayConfig(settings.configFile);
  const logger = createLogger(`gateway:${config.systemId}`, settings.logLevel);
  const app = await createGatewayApp(settings, config, logger);
  await app.listen(settings.port, settings.host);
  logger.info({ url: `${settings.http.tls ? 'https' : 'http'}://${settings.host}:${settings.port}` }, 'edx gateway listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
