import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { createMetricsRegistry, oncePerScrape } from '@edx/common';

/** What the outbox gauges read at each scrape. */
export interface OutboxCounts {
  outboxCounts(): Promise<{ pending: number; parked: number }>;
}

/**
 * A gateway's business metrics on its /metrics: documents sent and received by outcome, the time
 * from a document's acceptance here to each recipient's 01, and the outbox's backlog and parked rows.
 */
export class GatewayMetrics {
  readonly registry: Registry = createMetricsRegistry('gateway');
  private readonly documents = new Counter({ name: 'edx_documents_total', help: 'Documents this gateway sent (accepted at its API) and received, by direction and outcome', labelNames: ['direction', 'outcome'], registers: [this.registry] });
  private readonly arrival = new Histogram({
    name: 'edx_time_to_arrival_seconds',
    help: "From a document's acceptance at this gateway's API to a recipient's 01 arriving here",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });

  constructor(outbox: OutboxCounts) {
    // One query for both gauges of a scrape.
    const read = oncePerScrape(() => outbox.outboxCounts(), 200);
    new Gauge({ name: 'edx_outbox_backlog', help: 'Outbox rows waiting to be published', registers: [this.registry], async collect() { this.set((await read()).pending); } });
    new Gauge({ name: 'edx_outbox_parked', help: 'Outbox rows parked after too many refused publishes (see GET /v1/documents/:id)', registers: [this.registry], async collect() { this.set((await read()).parked); } });
  }

  sent(): void {
    this.documents.inc({ direction: 'out', outcome: 'accepted' });
  }

  received(verdict: 'arrived' | 'rejected'): void {
    this.documents.inc({ direction: 'in', outcome: verdict });
  }

  /** A recipient's 01 for a document accepted here at `sentAt`. */
  arrived(sentAt: Date, at: Date): void {
    this.arrival.observe(Math.max(0, (at.getTime() - sentAt.getTime()) / 1000));
  }
}
