import { DataSource } from 'typeorm';
import { Gauge, Registry } from 'prom-client';
import { oncePerScrape } from '@edx/common';
import { AlarmsService } from './alarms.service';

type Current = Awaited<ReturnType<AlarmsService['current']>>;

/**
 * The exchange's business gauges on the console's /metrics, read at each scrape from the hub
 * database and the broker: overdue deliveries, alarms by kind, queue depth, dead letters by state,
 * certificate days-to-expiry.
 */
export function registerConsoleMetrics(registry: Registry, alarms: AlarmsService, dataSource: DataSource): void {
  const current = oncePerScrape<Current>(() => alarms.current());
  const gauge = (name: string, help: string, labelNames: string[], fill: (set: (labels: Record<string, string>, value: number) => void, now: Current) => void) =>
    new Gauge({
      name, help, labelNames, registers: [registry],
      async collect() {
        const now = await current();
        this.reset();
        fill((labels, value) => this.set(labels, value), now);
      },
    });
  gauge('edx_overdue_deliveries', 'Deliveries overdue (no 01 in time, or past the DueDate without 06), by recipient', ['recipient'], (set, now) => {
    for (const a of now.alarms.filter((x) => x.kind === 'overdue')) set({ recipient: a.subject }, a.value);
  });
  gauge('edx_alarms', 'Alarms an operator must act on, by kind', ['kind'], (set, now) => {
    for (const kind of ['overdue', 'certificate-expiry', 'crl-expiry', 'inbox-backlog']) set({ kind }, now.alarms.filter((a) => a.kind === kind).length);
  });
  gauge('edx_queue_depth', 'Messages in each queue (ready and unacked)', ['queue'], (set, now) => {
    for (const q of now.queues) set({ queue: q.name }, q.messages);
  });
  gauge('edx_certificate_days_to_expiry', 'Days until each registered certificate expires', ['certificate'], (set, now) => {
    for (const c of now.certificates) set({ certificate: c.subject }, c.daysToExpiry);
  });
  new Gauge({
    name: 'edx_dead_letters',
    help: 'Dead letters by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows: Array<{ state: string; count: number }> = await dataSource.query('SELECT state, count(*)::int AS count FROM dead_letters GROUP BY state');
      this.reset();
      for (const state of ['open', 'replaying', 'replayed', 'discarded']) this.set({ state }, rows.find((r) => r.state === state)?.count ?? 0);
    },
  });
}
