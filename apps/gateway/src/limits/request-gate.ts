import type { Request, RequestHandler } from 'express';
import { EdxError, sendError, toEdxError } from '@edx/common';

export interface RequestGateOptions {
  /** Bodies up to this size may arrive before the API key is checked (everything else waits for it). */
  readonly unauthenticatedBodyBytes: number;
  /** The largest package this gateway sends (the smaller of its own limit and the broker's). */
  readonly maxBodyBytes: number;
  readonly maxBodySetting: string;
  /** Bodies read as they stream (multipart: its large files go on into the claim-check store), bounded by their reader, not by `maxBodyBytes`. */
  readonly streamed?: (req: Request) => boolean;
}

const declaredLength = (req: Request): number | undefined => {
  const value = req.headers['content-length'];
  return value === undefined ? undefined : Number(value);
};

/**
 * Before a body is read: a large or unsized (chunked) upload needs valid credentials first (an API
 * key, or a client certificate), and one over the limit is refused at once, so nobody who lacks them
 * can make the gateway read 160 MiB. `isAuthenticated` answers whether the request's credentials hold
 * (it throws the EdxError for credentials presented that do not).
 */
export function requestGate(isAuthenticated: (req: Request) => boolean, options: RequestGateOptions): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const length = declaredLength(req);
    if (length !== undefined && length > options.maxBodyBytes && !options.streamed?.(req)) {
      res.set('connection', 'close');
      return sendError(res, new EdxError('EDXML_TOO_LARGE', `The request is ${length} bytes; this gateway takes at most ${options.maxBodyBytes} (${options.maxBodySetting}).`, { limit: options.maxBodyBytes }));
    }
    const small = length !== undefined && length <= options.unauthenticatedBodyBytes;
    if (small) return next();
    let refusal: EdxError | undefined;
    try {
      if (!isAuthenticated(req)) refusal = new EdxError('AUTH_REQUIRED', 'Send the API key of a hosted agency in the x-api-key header before a body larger than ' + `${options.unauthenticatedBodyBytes} bytes.`);
    } catch (error) {
      refusal = toEdxError(error);
    }
    if (refusal) {
      res.set('connection', 'close');
      return sendError(res, refusal);
    }
    next();
  };
}
