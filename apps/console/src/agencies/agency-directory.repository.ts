import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { AgencySearch, encodeAgencyCursor } from './agency-search.query';
import { currentCodeOf } from './code-history.service';

export type DirectoryEntry = Record<string, unknown> & { code: string };

/** `LIKE` text that matches `value` literally. */
const literal = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

const ENTRY = `SELECT a.code, a.name, a.status, a.system_id AS "systemId", a.parent_code AS "parentCode",
              a.contact_person AS "contactPerson", a.mail, a.phone, a.address, a.axis_id AS "axisId", a.code102, a.old_code AS "oldCode",
              a.successor_code AS "successorCode", a.retired_at AS "retiredAt", count(c.fingerprint)::int AS certificates,
              coalesce(array_agg(c.fingerprint ORDER BY c.fingerprint) FILTER (WHERE c.fingerprint IS NOT NULL), '{}') AS "certificateFingerprints"
       FROM agencies a LEFT JOIN agency_certificates c ON c.agency_code = a.code AND c.status = 'active'`;

/** Reads the agency directory (changes to it are the onboarding service's, each with its audit record). */
export class AgencyDirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One page in code order, and how many agencies match the filters in all. */
  async search(s: AgencySearch): Promise<{ items: DirectoryEntry[]; total: number; next?: string }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (s.text !== undefined) {
      params.push(`${literal(s.text)}%`, `%${literal(s.folded ?? '')}%`);
      where.push(`(a.code ILIKE $${params.length - 1} OR a.name_folded LIKE $${params.length})`);
    }
    if (s.status !== undefined) add((p) => `a.status = ${p}`, s.status);
    if (s.parent !== undefined) add((p) => `a.parent_code = ${p}`, s.parent);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: Array<{ total: number }> = await this.dataSource.query(`SELECT count(*)::int AS total FROM agencies a ${filter}`, params);
    const page = [...where];
    const pageParams = [...params];
    if (s.after !== undefined) {
      pageParams.push(s.after);
      page.push(`a.code COLLATE "C" > $${pageParams.length}`);
    }
    pageParams.push(s.limit + 1);
    const rows: DirectoryEntry[] = await this.dataSource.query(
      `${ENTRY} ${page.length ? `WHERE ${page.join(' AND ')}` : ''} GROUP BY a.code ORDER BY a.code COLLATE "C" LIMIT $${pageParams.length}`,
      pageParams,
    );
    const items = rows.slice(0, s.limit);
    return { items, total, next: rows.length > s.limit ? encodeAgencyCursor(items[items.length - 1].code) : undefined };
  }

  /**
   * The agency with its parent and its children (code order). A retired code answers with the agency
   * it is now (the end of its chain of successors) and, in `retired`, what became of the code asked
   * for. Throws NOT_FOUND for a code not registered.
   */
  async agency(code: string): Promise<DirectoryEntry & { parent: DirectoryEntry | null; children: DirectoryEntry[]; retired?: Record<string, unknown> }> {
    const [asked]: DirectoryEntry[] = await this.dataSource.query(`${ENTRY} WHERE a.code = $1 GROUP BY a.code`, [code]);
    if (!asked) throw new EdxError('NOT_FOUND', `Agency ${code} is not registered.`);
    const current = asked.retiredAt && asked.successorCode ? await currentCodeOf(this.dataSource, code) : code;
    const [entry]: DirectoryEntry[] = current === code ? [asked] : await this.dataSource.query(`${ENTRY} WHERE a.code = $1 GROUP BY a.code`, [current]);
    const retired = asked.retiredAt ? { retired: { code, successorCode: asked.successorCode, retiredAt: asked.retiredAt, current } } : {};
    const brief = 'SELECT code, name, status FROM agencies';
    const [parent]: DirectoryEntry[] = entry.parentCode ? await this.dataSource.query(`${brief} WHERE code = $1`, [entry.parentCode]) : [];
    const children: DirectoryEntry[] = await this.dataSource.query(`${brief} WHERE parent_code = $1 ORDER BY code COLLATE "C"`, [code]);
    return { ...entry, parent: parent ?? null, children, ...retired };
  }

  /**
   * The current agencies (retired codes are left out: a renamed one is its successor's oldCode) in
   * code order, each with its parent's axis id (or code) for `pid`; for the axis-shape export.
   */
  exportRows(): Promise<Array<{ code: string; name: string; axisId: string | null; parentId: string | null; mail: string | null; oldCode: string | null; code102: string | null }>> {
    return this.dataSource.query(
      `SELECT a.code, a.name, a.axis_id AS "axisId", CASE WHEN p.code IS NULL OR p.retired_at IS NOT NULL THEN NULL ELSE coalesce(p.axis_id, p.code) END AS "parentId",
              a.mail, a.old_code AS "oldCode", a.code102
       FROM agencies a LEFT JOIN agencies p ON p.code = a.parent_code WHERE a.retired_at IS NULL ORDER BY a.code COLLATE "C"`,
    );
  }
}
