import 'reflect-metadata';
import { createLogger, startHttpApp } from '@edx/common';
import { ConsoleModule } from './console.module';
import { loadConsoleSettings } from './console.env';

async function main(): Promise<void> {
  const settings = loadConsoleSettings();
  const logger = createLogger('console', settings.logLevel);
  if (!settings.tokens.admin) logger.warn('EDX_CONSOLE_ADMIN_TOKEN_SHA256 is not set: nobody can administer this console');
  await startHttpApp(ConsoleModule.register(settings, logger), { title: 'edx console', host: settings.host, port: settings.port, logger, openApi: true, bodyLimit: 4 * 1024 * 1024 });
}

main().catch((error: unknown) => {
  process.stderr.write(`console failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
