import { INestApplication } from '@nestjs/common';
import { HttpAppOptions, Logger, createHttpApp, httpServerOptions, readPassphraseFile } from '@edx/common';
import { HubModule } from './hub.module';
import { HubSettings } from './hub.env';

/** The hub app, initialised and consuming, not yet listening (main.ts and in-process tests). */
export function createHubApp(settings: HubSettings, logger: Logger, overrides: Partial<HttpAppOptions> = {}): Promise<INestApplication> {
  return createHttpApp(HubModule.register(settings, logger), { title: 'edx hub', logger, server: httpServerOptions(settings.http, readPassphraseFile(settings.keyPassphraseFile)), microservices: HubModule.microservices(settings, logger), ...overrides });
}
