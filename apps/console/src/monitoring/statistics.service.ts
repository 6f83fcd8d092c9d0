import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { asStorageError } from '@edx/storage';

export interface DailyStatistics {
  readonly agency: string;
  /** The day in Vietnam time (the axis's time), yyyy-mm-dd. */
  readonly day: string;
  readonly sent: number;
  readonly delivered: number;
  readonly rejected: number;
  readonly rejectedByCode: Record<string, number>;
  /** Time from the hub accepting a document to each recipient's 01, in milliseconds. */
  readonly timeTo01Ms: { readonly median: number | null; readonly p95: number | null };
}

/** Per sending agency and day: sent, delivered (01 or later), rejected by code, time to 01 (median, p95). */
export class StatisticsService {
  constructor(private readonly dataSource: DataSource) {}

  /** `from`/`to` are yyyy-mm-dd days (Vietnam time), at most 366 days apart; REQUEST_INVALID otherwise. */
  async daily(query: { from?: unknown; to?: unknown; agency?: unknown }, today = new Date()): Promise<{ items: DailyStatistics[] }> {
    const day = (value: unknown, fallback: string, key: string) => {
      if (value === undefined || value === '') return fallback;
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new EdxError('REQUEST_INVALID', `"${key}" must be a day, yyyy-mm-dd.`);
      return value;
    };
    const to = day(query.to, new Date(today.getTime() + 7 * 3600_000).toISOString().slice(0, 10), 'to');
    const from = day(query.from, new Date(Date.parse(to) - 30 * 86_400_000).toISOString().slice(0, 10), 'from');
    if (from > to || Date.parse(to) - Date.parse(from) > 366 * 86_400_000) throw new EdxError('REQUEST_INVALID', '"from" must be on or before "to", at most 366 days earlier.');
    const agency = typeof query.agency === 'string' && query.agency ? query.agency : null;
    const params = [from, to, agency];
    const window = `(doc.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR doc.sender_code = $3)`;
    try {
      const totals: Array<{ agency: string; day: string; sent: number; delivered: number; rejected: number; median: number | null; p95: number | null }> = await this.dataSource.query(
        `WITH arrivals AS (
           SELECT e.document_id, e.recipient_code, min(e.at) AS at FROM events e JOIN documents doc ON doc.id = e.document_id
           WHERE e.type = 'status' AND e.status_code = '01' AND ${window} GROUP BY 1, 2)
         SELECT doc.sender_code AS agency, (doc.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS day,
                count(DISTINCT doc.id)::int AS sent,
                (count(d.recipient_code) FILTER (WHERE d.state NOT IN ('routed', 'rejected')))::int AS delivered,
                (count(d.recipient_code) FILTER (WHERE d.state = 'rejected'))::int AS rejected,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.at - doc.received_at) * 1000) AS median,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM a.at - doc.received_at) * 1000) AS p95
         FROM documents doc LEFT JOIN deliveries d ON d.document_id = doc.id
              LEFT JOIN arrivals a ON a.document_id = d.document_id AND a.recipient_code = d.recipient_code
         WHERE ${window} GROUP BY 1, 2 ORDER BY 2, 1`,
        params,
      );
      const codes: Array<{ agency: string; day: string; code: string; count: number }> = await this.dataSource.query(
        `SELECT doc.sender_code AS agency, (doc.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS day,
                coalesce(substring(d.reason FROM '^\\[?([A-Z][A-Z0-9_]+)'), 'UNSPECIFIED') AS code, count(*)::int AS count
         FROM documents doc JOIN deliveries d ON d.document_id = doc.id WHERE d.state = 'rejected' AND ${window} GROUP BY 1, 2, 3`,
        params,
      );
      return {
        items: totals.map((t) => ({
          agency: t.agency, day: t.day, sent: t.sent, delivered: t.delivered, rejected: t.rejected,
          rejectedByCode: Object.fromEntries(codes.filter((c) => c.agency === t.agency && c.day === t.day).map((c) => [c.code, c.count])),
          timeTo01Ms: { median: t.median === null ? null : Math.round(Number(t.median)), p95: t.p95 === null ? null : Math.round(Number(t.p95)) },
        })),
      };
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }
}
