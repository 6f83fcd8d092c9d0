import { INestApplication } from '@nestjs/common';
import { HttpAppOptions, Logger, createHttpApp, httpServerOptions, readPassphraseFile } from '@edx/common';
import { ConsoleModule } from './console.module';
import { ConsoleSettings } from './console.env';

/** The console app, initialised, not yet listening (main.ts and in-process tests). */
export function createConsoleApp(settings: ConsoleSettings, logger: Logger, overrides: Partial<HttpAppOptions> = {}): Promise<INestApplication> {
  return createHttpApp(ConsoleModule.register(settings, logger), {
    title: 'edx console', logger, server: httpServerOptions(settings.http, readPassphraseFile(settings.keyPassphraseFile)), openApi: true, bodyLimit: 4 * 1024 * 1024, rawTypes: ['text/csv'], ...overrides,
  });
}
