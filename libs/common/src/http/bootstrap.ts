import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoNestLogger } from '../logging';
import { EdxExceptionFilter } from './edx-exception.filter';

export interface HttpAppOptions {
  readonly title: string;
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  /** Serve OpenAPI at /docs. */
  readonly openApi?: boolean;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Content types whose body reaches the controller as raw bytes (a Buffer), e.g. edXML. */
  readonly rawTypes?: string[];
}

/**
 * Creates, configures and starts an HTTP NestJS app. Resolves once it listens; shutdown hooks are on
 * so SIGTERM closes connections cleanly.
 */
export async function startHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: new PinoNestLogger(options.logger),
    bodyParser: false,
  });
  const limit = options.bodyLimit ?? 1024 * 1024;
  app.useBodyParser('json', { limit });
  if (options.rawTypes?.length) app.useBodyParser('raw', { type: options.rawTypes, limit });
  app.useGlobalFilters(new EdxExceptionFilter(options.logger));
  app.enableShutdownHooks();
  if (options.openApi) {
    const config = new DocumentBuilder().setTitle(options.title).setVersion('1').addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'apiKey').build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
  }
  await app.listen(options.port, options.host);
  options.logger.info({ url: `http://${options.host}:${options.port}` }, `${options.title} listening`);
  return app;
}
