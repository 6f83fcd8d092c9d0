import 'reflect-metadata';
import { createLogger } from '@edx/common';
import { createConsoleApp } from './console.app';
import { loadConsoleSettings } from './console.env';

async function main(): Promise<void> {
  const settings = loadConsoleSettings();
  const logger = createLogger('console', settings.logLevel);
  if (!settings.tokens.admin) logger.warn('EDX_CONSOLE_ADMIN_TOKEN_SHA256 is not set: nobody can administer this console');
  const app = await createConsoleApp(settings, logger);
  await app.listen(settings.port, settings.host);
  logger.info({ url: `${settings.http.tls ? 'https' : 'http'}://${settings.host}:${settings.port}` }, 'edx console listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`console failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
