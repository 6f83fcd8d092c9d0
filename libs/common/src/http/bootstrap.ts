import type { Server } from 'node:http';
import type { ServerOptions } from 'node:https';
import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import type { HttpsOptions } from '@nestjs/common/interfaces/external/https-options.interface';
import type { RequestHandler } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoNestLogger } from '../logging';
import { EdxExceptionFilter } from './edx-exception.filter';
import { bodyRateFloor, applyServerTimeouts } from './request-timeouts';
import { securityHeaders } from './security-headers';
import { HttpServerOptions } from './server-tls';

export interface HttpAppOptions {
  readonly title: string;
  readonly logger: Logger;
  /** HTTPS (or, only when a setting asks, plain HTTP) and the time limits: `httpServerOptions(settings.http, passphrase)`. */
  readonly server: HttpServerOptions;
  /** Nest's own log lines go to `logger`; `false` silences them (tests). */
  readonly nestLogs?: boolean;
  /** Serve OpenAPI at /docs. */
  readonly openApi?: boolean;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Content types whose body reaches the controller as raw bytes (a Buffer), e.g. edXML. */
  readonly rawTypes?: string[];
  /**
   * Connects the app's message transports (`app.connectMicroservice`). They start listening after
   * the app's bootstrap hooks ran (databases and broker open), before the HTTP port opens.
   */
  readonly microservices?: (app: INestApplication) => void;
  /**
   * Express middleware that runs before any body is read (authentication of large uploads, rate
   * limits): a request it answers never has its body parsed.
   */
  readonly beforeBody?: (app: INestApplication) => RequestHandler[];
}

/** Node's TLS server options for an app: its key and certificate, and client certificates asked for (never required: API keys work beside them). */
function httpsOptions(options: HttpServerOptions): (HttpsOptions & Pick<ServerOptions, 'minVersion' | 'handshakeTimeout'>) | undefined {
  const tls = options.tls;
  if (!tls) return undefined;
  return {
    key: tls.key,
    cert: tls.cert,
    passphrase: tls.passphrase,
    minVersion: 'TLSv1.2',
    handshakeTimeout: options.timeouts.headersMs,
    ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
  };
}

/**
 * Creates and initialises an HTTP NestJS app: HTTPS (plain HTTP only when the settings say so, which
 * it logs as a warning), time limits, security headers, body parsers, the error filter, OpenAPI,
 * shutdown hooks, then every bootstrap hook and message transport. Resolves when it is ready to listen.
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: options.nestLogs === false ? false : new PinoNestLogger(options.logger),
    bodyParser: false,
    abortOnError: false,
    httpsOptions: httpsOptions(options.server),
  });
  if (!options.server.tls) {
    options.logger.warn('EDX_HTTP_PLAIN=true: serving PLAIN HTTP, without TLS. Only behind a TLS-terminating reverse proxy on the same host; anything else sends documents and credentials in clear.');
  }
  applyServerTimeouts(app.getHttpServer() as Server, options.server.timeouts);
  app.use(bodyRateFloor(options.server.timeouts, options.logger));
  app.use(securityHeaders());
  for (const handler of options.beforeBody?.(app) ?? []) app.use(handler);
  const limit = options.bodyLimit ?? 1024 * 1024;
  app.useBodyParser('json', { limit });
  if (options.rawTypes?.length) app.useBodyParser('raw', { type: options.rawTypes, limit });
  app.useGlobalFilters(new EdxExceptionFilter(options.logger));
  app.enableShutdownHooks();
  if (options.openApi) {
    const config = new DocumentBuilder().setTitle(options.title).setVersion('1').addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'apiKey').build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
  }
  options.microservices?.(app);
  await app.init();
  await app.startAllMicroservices();
  return app;
}
