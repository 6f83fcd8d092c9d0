import { INestApplication } from '@nestjs/common';
import { createHttpApp, GatewayConfig, HttpAppOptions, Logger, httpServerOptions, readPassphraseFile } from '@edx/common';
import { authenticateCaller, certifiedAgencyCode } from './auth/caller';
import { HostedAgencies } from './config/hosted-agencies';
import { GatewayModule } from './gateway.module';
import { keyLimits } from './limits/key-limits';
import { requestGate } from './limits/request-gate';
import { isMultipart } from './documents/multipart-document';
import { GatewaySettings } from './gateway.env';

/** The gateway app, initialised and consuming, not yet listening (main.ts and in-process tests). */
export function createGatewayApp(settings: GatewaySettings, config: GatewayConfig, logger: Logger, overrides: Partial<HttpAppOptions> = {}): Promise<INestApplication> {
  return createHttpApp(GatewayModule.register(settings, config, logger), {
    title: 'edx gateway',
    logger,
    server: httpServerOptions(settings.http, readPassphraseFile(settings.keyPassphraseFile)),
    openApi: true,
    // A JSON or XML body is read whole: EDX_MAX_PACKAGE_BYTES bounds it. Its large attachments then travel by claim check, so the broker's limit binds only the signed package.
    bodyLimit: settings.maxPackageBytes,
    // Before any body is read: large uploads need credentials, every agency's key or certificate has a rate and a concurrency limit.
    beforeBody: (app) => {
      const agencies = app.get(HostedAgencies);
      return [
        requestGate((req) => authenticateCaller(req, agencies) !== undefined, { unauthenticatedBodyBytes: settings.unauthenticatedBodyBytes, maxBodyBytes: settings.maxPackageBytes, maxBodySetting: 'EDX_MAX_PACKAGE_BYTES', streamed: isMultipart }),
        keyLimits(settings.keyLimits, Date.now, (req) => certifiedAgencyCode(req, agencies)),
      ];
    },
    rawTypes: ['application/xml', 'text/xml', 'application/edxml+xml', 'application/octet-stream'],
    microservices: GatewayModule.microservices(settings, config, logger),
    ...overrides,
  });
}
