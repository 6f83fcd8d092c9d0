import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * What a page served by an edx app may run: its own scripts, styles and requests, nothing inline,
 * nothing from elsewhere, never framed. JSON APIs need no more than that, and the console's dashboard
 * lives within it.
 */
export const STRICT_CSP = {
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

/**
 * helmet's security headers on every response (HSTS, nosniff, frame and referrer policies, the
 * strict content policy). OpenAPI's page (/docs) brings swagger-ui's inline bootstrap, so it keeps
 * the other headers without a content policy. CORS stays closed: no app enables it.
 */
export function securityHeaders(): RequestHandler {
  const strict = helmet({ contentSecurityPolicy: STRICT_CSP });
  const docs = helmet({ contentSecurityPolicy: false });
  return (req, res, next) => (req.path === '/docs' || req.path.startsWith('/docs/') || req.path.startsWith('/docs-') ? docs : strict)(req, res, next);
}
