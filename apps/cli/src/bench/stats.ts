import { SERVERS } from './process-stats';

/** Percentile of sorted-or-not samples (nearest rank); 0 for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Share of the raw broker rate the exchange achieves: a document to R recipients costs at least
 * 1 + 3R broker messages (package in, R deliveries, R statuses in, R statuses back).
 */
export function efficiency(docsPerSecond: number, recipients: number, rawMessagesPerSecond: number): number {
  return rawMessagesPerSecond > 0 ? (docsPerSecond * (1 + 3 * recipients)) / rawMessagesPerSecond : 0;
}

export interface SecondBucket {
  readonly second: number;
  readonly completed: number;
  readonly p50: number;
  readonly p99: number;
}

/** Completions per second and their latency percentiles, from (completedAtMs, latencyMs) pairs. */
export function perSecond(completions: ReadonlyArray<{ at: number; latencyMs: number }>, startedAt: number): SecondBucket[] {
  const buckets = new Map<number, number[]>();
  for (const c of completions) {
    const second = Math.floor((c.at - startedAt) / 1000);
    buckets.set(second, [...(buckets.get(second) ?? []), c.latencyMs]);
  }
  const last = Math.max(0, ...buckets.keys());
  return Array.from({ length: last + 1 }, (_, second) => {
    const latencies = buckets.get(second) ?? [];
    return { second, completed: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  });
}

/**
 * What limits the run: the machine's CPU when edx and its servers together kept nearly every core
 * busy, else the broker or the database if one of them used most of a core, else nothing saturated
 * (the load generator or the closed loop's window is the limit).
 */
export function bindingResource(
  cpuSecondsByPart: Readonly<Record<string, number>>,
  wallSeconds: number,
  cores: number,
  servers: readonly string[] = Object.keys(SERVERS),
): string {
  const busy = Object.values(cpuSecondsByPart).reduce((a, b) => a + b, 0) / wallSeconds;
  const share = (part: string) => (cpuSecondsByPart[part] ?? 0) / wallSeconds;
  if (busy >= 0.85 * cores) return `CPU: ${busy.toFixed(2)} of ${cores} cores busy`;
  for (const server of servers) if (share(server) >= 0.8) return `${server}: ${share(server).toFixed(2)} cores`;
  return `nothing saturated: ${busy.toFixed(2)} of ${cores} cores busy`;
}
