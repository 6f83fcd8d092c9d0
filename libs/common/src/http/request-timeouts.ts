import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import { HttpTimeouts } from '../config/http-server-settings';
import { EdxError } from '../errors';
import { Logger } from '../logging';
import { sendError } from './send-error';

/**
 * Node's own limits on the server: headers (a slow-loris client dribbling them is cut off), the whole
 * request, idle keep-alive. Node judges the first two on a timer (every 30 s by default), so it is set
 * to a quarter of the shorter one: a limit means about what it says. Call before `listen`.
 */
export function applyServerTimeouts(server: Server, timeouts: HttpTimeouts): void {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  const shortest = Math.min(timeouts.headersMs, timeouts.requestMs || Number.POSITIVE_INFINITY);
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(100, Math.min(30_000, Math.floor(shortest / 4)));
}

/**
 * The body's least rate, before any body is read. A time budget for the whole request cannot tell a
 * 100 MiB upload on a slow line from a client that sends a byte a second to hold the connection; a
 * floor can: over every window the socket must have delivered `bodyMinBytesPerSecond × window` bytes
 * until the body is complete, or the request is answered REQUEST_TOO_SLOW and the connection closed.
 * (`EDX_HTTP_REQUEST_TIMEOUT_MS` stays as the outer bound.)
 */
export function bodyRateFloor(timeouts: HttpTimeouts, logger: Logger): RequestHandler {
  const least = (timeouts.bodyMinBytesPerSecond * timeouts.bodyRateWindowMs) / 1000;
  return (req, res, next) => {
    const length = req.headers['content-length'];
    const hasBody = length !== undefined ? Number(length) > 0 : req.headers['transfer-encoding'] !== undefined;
    if (least === 0 || !hasBody || req.complete) return next();
    const socket = req.socket;
    let seen = socket.bytesRead;
    const timer = setInterval(() => {
      if (req.complete) return clearInterval(timer);
      const read = socket.bytesRead - seen;
      seen = socket.bytesRead;
      if (read >= least) return;
      clearInterval(timer);
      const message = `The request body arrived at ${Math.round((read * 1000) / timeouts.bodyRateWindowMs)} bytes/s over the last ${timeouts.bodyRateWindowMs} ms, below the least ${timeouts.bodyMinBytesPerSecond} (EDX_HTTP_BODY_MIN_BYTES_PER_SECOND).`;
      logger.warn({ method: req.method, path: req.path, remote: socket.remoteAddress }, message);
      res.once('finish', () => socket.destroy());
      res.once('close', () => socket.destroy());
      res.set('connection', 'close');
      if (res.headersSent) socket.destroy();
      else sendError(res, new EdxError('REQUEST_TOO_SLOW', message));
    }, timeouts.bodyRateWindowMs);
    timer.unref();
    const stop = () => clearInterval(timer);
    req.once('end', stop);
    res.once('close', stop);
    next();
  };
}
