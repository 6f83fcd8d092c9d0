import { DataSource } from 'typeorm';
import { BrokerAdmin } from '@edx/messaging';
import { asStorageError } from '@edx/storage';
import { latestCrlPerIssuer, readTrustMaterial } from '@edx/trust';
import { OverduePolicy, overdueSql } from '../documents/overdue';

export interface Alarm {
  readonly kind: 'overdue' | 'certificate-expiry' | 'crl-expiry' | 'inbox-backlog';
  /** What it is about: a recipient agency, a certificate, a CRL's issuer, a queue. */
  readonly subject: string;
  readonly summary: string;
  readonly value: number;
}

export interface AlarmSettings extends OverduePolicy {
  /** A certificate or CRL that expires (or must be renewed) within this many days is flagged. */
  readonly expiryWarningDays: number;
  /** An inbox deeper than this that grew since the last look is flagged. */
  readonly backlogThreshold: number;
}

const DAY = 86_400_000;

/**
 * The conditions an operator must act on: deliveries overdue (per recipient), certificates and CRLs
 * near expiry, connected systems whose inbox backlog grows. Read on demand (API, dashboard, metrics).
 */
export class AlarmsService {
  /** The depth of each inbox at the previous look, to tell a growing backlog from a standing one. */
  private readonly lastDepth = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly admin: BrokerAdmin,
    private readonly vhost: string,
    private readonly settings: AlarmSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async current(): Promise<{ alarms: Alarm[]; queues: Array<{ name: string; messages: number }>; certificates: Array<{ subject: string; daysToExpiry: number }> }> {
    const now = this.clock();
    const [overdue, certificates, crls, queues] = await Promise.all([this.overdue(now), this.certificates(now), this.crls(now), this.queues()]);
    const alarms: Alarm[] = [
      ...overdue.map((o) => ({ kind: 'overdue' as const, subject: o.recipient, value: o.count, summary: `${o.count} delivery(ies) to ${o.recipient} overdue (no 01 in time, or past the DueDate without 06)` })),
      ...certificates
        .filter((c) => c.daysToExpiry <= this.settings.expiryWarningDays)
        .map((c) => ({ kind: 'certificate-expiry' as const, subject: c.subject, value: c.daysToExpiry, summary: `${c.subject} ${c.daysToExpiry < 0 ? 'has expired' : `expires in ${c.daysToExpiry} day(s)`}` })),
      ...crls
        .filter((c) => c.daysToNextUpdate <= this.settings.expiryWarningDays)
        .map((c) => ({ kind: 'crl-expiry' as const, subject: c.issuer, value: c.daysToNextUpdate, summary: `The CRL of ${c.issuer} ${c.daysToNextUpdate < 0 ? 'is stale' : `must be renewed within ${c.daysToNextUpdate} day(s)`}` })),
      ...this.growingInboxes(queues).map((q) => ({ kind: 'inbox-backlog' as const, subject: q.name, value: q.messages, summary: `${q.name} holds ${q.messages} message(s) and grows: its gateway is not keeping up or is down` })),
    ];
    return { alarms, queues, certificates };
  }

  private async overdue(now: Date): Promise<Array<{ recipient: string; count: number }>> {
    return this.query(
      `SELECT d.recipient_code AS recipient, count(*)::int AS count FROM deliveries d JOIN documents doc ON doc.id = d.document_id
       WHERE ${overdueSql(1, 2)} GROUP BY d.recipient_code ORDER BY count DESC, recipient`,
      [now, this.settings.arrivalWithinMs],
    );
  }

  private async certificates(now: Date): Promise<Array<{ subject: string; daysToExpiry: number }>> {
    const rows = await this.query<{ agency: string; fingerprint: string; notAfter: Date }>(
      `SELECT agency_code AS agency, fingerprint, not_after AS "notAfter" FROM agency_certificates WHERE status = 'active' ORDER BY not_after`,
      [],
    );
    const anchors = await this.query<{ id: string; pem: string; label: string | null }>("SELECT id::text, pem, label FROM trust_material WHERE kind IN ('anchor', 'intermediate')", []);
    const days = (at: Date) => Math.floor((new Date(at).getTime() - now.getTime()) / DAY);
    return [
      ...rows.map((r) => ({ subject: `certificate of ${r.agency} (${r.fingerprint.slice(0, 16)}…)`, daysToExpiry: days(r.notAfter) })),
      ...anchors.flatMap((a) => readTrustMaterial(a.pem, `trust_material row ${a.id}`).certificates.map((c) => ({ subject: `CA ${c.subject}`, daysToExpiry: days(c.notAfter) }))),
    ];
  }

  private async crls(now: Date): Promise<Array<{ issuer: string; daysToNextUpdate: number }>> {
    const rows = await this.query<{ id: string; pem: string; label: string | null }>("SELECT id::text, pem, label FROM trust_material WHERE kind = 'crl'", []);
    // Only each issuer's latest list counts: an older one a newer upload replaced needs no renewal.
    const uploaded = rows.flatMap((r) => readTrustMaterial(r.pem, `trust_material row ${r.id}`).crls);
    return latestCrlPerIssuer(uploaded).flatMap((crl) => (crl.nextUpdate ? [{ issuer: crl.issuerName, daysToNextUpdate: Math.floor((crl.nextUpdate.getTime() - now.getTime()) / DAY) }] : []));
  }

  /** The broker's queues; an unreachable management API leaves them out rather than failing the alarms. */
  private async queues(): Promise<Array<{ name: string; messages: number }>> {
    try {
      return await this.admin.listQueues(this.vhost);
    } catch {
      return [];
    }
  }

  private growingInboxes(queues: ReadonlyArray<{ name: string; messages: number }>): Array<{ name: string; messages: number }> {
    const growing = queues.filter((q) => /^system\..+\.inbox$/.test(q.name) && q.messages > this.settings.backlogThreshold && q.messages > (this.lastDepth.get(q.name) ?? 0));
    for (const q of queues) this.lastDepth.set(q.name, q.messages);
    return growing;
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    try {
      return await this.dataSource.query(sql, params);
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }
}
