import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** Something a process depends on (broker, database) and a cheap way to see that it answers. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * `look`, taken at most once per `forMs`: prom-client collects every gauge of a scrape at once, and
 * gauges fed by one query should share it.
 */
export function oncePerScrape<T>(look: () => Promise<T>, forMs = 1000): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > forMs) last = { at: Date.now(), value: look() };
    return last.value;
  };
}

export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}

const CHECK_TIMEOUT_MS = 2000;

class HealthTimeout extends Error {}

async function runCheck(check: HealthCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthTimeout()), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { name: check.name, ok: true };
  } catch (error) {
    // A driver's message may carry a host, a user or a URL with its password: /health says only what is wrong.
    return { name: check.name, ok: false, error: error instanceof HealthTimeout ? `no answer within ${CHECK_TIMEOUT_MS} ms` : 'not answering' };
  } finally {
    clearTimeout(timer);
  }
}

@Controller()
export class HealthController {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  /** 200 when every dependency answers, 503 naming the ones that do not. */
  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const results = await Promise.all(this.checks.map(runCheck));
    const ok = results.every((r) => r.ok);
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ status: ok ? 'ok' : 'degraded', checks: results });
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.type(this.registry.contentType).send(await this.registry.metrics());
  }
}
