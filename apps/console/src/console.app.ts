import { INestApplication } from '@nestjs/common';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { HttpAppOptions, Logger, createHttpApp } from '@edx/common';
import { ConsoleModule } from './console.module';
import { ConsoleSettings } from './console.env';

/**
 * The dashboard runs only its own files: scripts, styles and requests to this origin, nothing
 * inline, nothing from elsewhere, never framed. OpenAPI's page (/docs) brings swagger-ui's inline
 * bootstrap, so it keeps helmet's other headers without this policy.
 */
export const DASHBOARD_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

function securityHeaders(): RequestHandler {
  const strict = helmet({ contentSecurityPolicy: DASHBOARD_CSP });
  const docs = helmet({ contentSecurityPolicy: false });
  return (req, res, next) => (req.path === '/docs' || req.path.startsWith('/docs/') || req.path.startsWith('/docs-') ? docs : strict)(req, res, next);
}

/** The console app, initialised, not yet listening (main.ts and in-process tests). */
export function createConsoleApp(settings: ConsoleSettings, logger: Logger, overrides: Partial<HttpAppOptions> = {}): Promise<INestApplication> {
  return createHttpApp(ConsoleModule.register(settings, logger), {
    title: 'edx console', logger, openApi: true, bodyLimit: 4 * 1024 * 1024, beforeBody: () => [securityHeaders()], ...overrides,
  });
}
