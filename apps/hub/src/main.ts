import 'reflect-metadata';
import { createLogger } from '@edx/common';
import { createHubApp } from './hub.app';
import { loadHubSettings } from './hub.env';

async function main(): Promise<void> {
  const settings = loadHubSettings();
  const logger = createLogger('hub', settings.logLevel);
  const app = await createHubApp(settings, logger);
  await app.listen(settings.port, settings.host);
  logger.info({ url: `${settings.http.tls ? 'https' : 'http'}://${settings.host}:${settings.port}` }, 'edx hub listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`hub failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
