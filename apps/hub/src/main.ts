import 'reflect-metadata';
import { createLogger, startHttpApp } from '@edx/common';
import { HubModule } from './hub.module';
import { loadHubSettings } from './hub.env';

async function main(): Promise<void> {
  const settings = loadHubSettings();
  const logger = createLogger('hub', settings.logLevel);
  await startHttpApp(HubModule.register(settings, logger), { title: 'edx hub', host: settings.host, port: settings.port, logger });
}

main().catch((error: unknown) => {
  process.stderr.write(`hub failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
