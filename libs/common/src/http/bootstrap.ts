import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import type { RequestHandler } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoNestLogger } from '../logging';
import { EdxExceptionFilter } from './edx-exception.filter';
import { securityHeaders } from './security-headers';

export interface HttpAppOptions {
  readonly title: string;
  readonly logger: Logger;
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

/**
 * Creates and initialises an HTTP NestJS app: security headers, body parsers, the error filter, OpenAPI, shutdown hooks,
 * then every bootstrap hook and message transport. Resolves when it is ready to listen.
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: options.nestLogs === false ? false : new PinoNestLogger(options.logger),
    bodyParser: false,
    abortOnError: false,
  });
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
