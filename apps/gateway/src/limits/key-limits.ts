import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { EdxError, sendError } from '@edx/common';

export interface KeyLimitOptions {
  /** Requests per second each API key may make on average, and the burst it may save up. */
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Requests of one key in progress at once (uploads being read, signed and stored). */
  readonly concurrency: number;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
  inFlight: number;
}

/**
 * Who a request counts against: the agency its client certificate names (`certifiedAgency`), else its
 * API key (hashed, never kept in clear), else its address.
 */
function callerOf(req: Request, certifiedAgency: (req: Request) => string | undefined): string {
  const certified = certifiedAgency(req);
  if (certified) return `cert:${certified}`;
  const key = req.headers['x-api-key'];
  return typeof key === 'string' ? `key:${createHash('sha256').update(key).digest('hex')}` : `ip:${req.socket.remoteAddress ?? 'unknown'}`;
}

/**
 * Per-key rate (token bucket) and concurrency limits: past either, 429 RATE_LIMITED with Retry-After.
 * One DMS flooding its gateway cannot starve the other agencies it hosts. Buckets of callers idle for
 * a minute are forgotten.
 */
export function keyLimits(options: KeyLimitOptions, now: () => number = Date.now, certifiedAgency: (req: Request) => string | undefined = () => undefined): RequestHandler {
  const buckets = new Map<string, Bucket>();
  let sweptAt = now();
  return (req, res, next) => {
    const at = now();
    if (at - sweptAt > 60_000) {
      for (const [caller, b] of buckets) if (b.inFlight === 0 && at - b.refilledAt > 60_000) buckets.delete(caller);
      sweptAt = at;
    }
    const caller = callerOf(req, certifiedAgency);
    const bucket = buckets.get(caller) ?? { tokens: options.burst, refilledAt: at, inFlight: 0 };
    buckets.set(caller, bucket);
    bucket.tokens = Math.min(options.burst, bucket.tokens + ((at - bucket.refilledAt) / 1000) * options.ratePerSecond);
    bucket.refilledAt = at;
    if (bucket.inFlight >= options.concurrency) {
      return sendError(res, new EdxError('RATE_LIMITED', `At most ${options.concurrency} requests of one API key may run at once; wait for one to finish.`), { 'retry-after': '1' });
    }
    if (bucket.tokens < 1) {
      const wait = Math.ceil((1 - bucket.tokens) / options.ratePerSecond);
      return sendError(res, new EdxError('RATE_LIMITED', `More than ${options.ratePerSecond} requests per second for this API key; retry in ${wait} s.`), { 'retry-after': String(wait) });
    }
    bucket.tokens -= 1;
    bucket.inFlight++;
    let released = false;
    const release = () => {
      if (!released) bucket.inFlight--;
      released = true;
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
