import { DataSource } from 'typeorm';
import { AuditLogSearch } from './audit-log-search.query';

export interface AuditRow {
  readonly id: string;
  readonly at: Date;
  readonly actorId: string | null;
  readonly actorName: string;
  readonly actorRole: string;
  readonly action: string;
  readonly target: string | null;
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  readonly prevHash: string;
  readonly hash: string;
}

/** Reads the audit log (appending is `appendAudit`, inside the transaction of each change). */
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  async search(s: AuditLogSearch): Promise<{ items: AuditRow[]; next?: string }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (s.actor !== undefined) add((p) => `(actor_name = ${p} OR actor_id = ${p})`, s.actor);
    if (s.action !== undefined) add((p) => (s.action!.includes('.') ? `action = ${p}` : `split_part(action, '.', 1) = ${p}`), s.action);
    if (s.from) add((p) => `at >= ${p}`, s.from);
    if (s.to) add((p) => `at <= ${p}`, s.to);
    if (s.before) add((p) => `id < ${p}::bigint`, s.before);
    params.push(s.limit + 1);
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT id::text, at, actor_id AS "actorId", actor_name AS "actorName", actor_role AS "actorRole", action, target, before, after,
              prev_hash AS "prevHash", hash
       FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY audit_log.id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, s.limit);
    return { items, next: rows.length > s.limit ? items[items.length - 1].id : undefined };
  }
}
