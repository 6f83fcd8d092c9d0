import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { AgencySearch, encodeAgencyCursor } from './agency-search.query';

export type DirectoryEntry = Record<string, unknown> & { code: string };

/** `LIKE` text that matches `value` literally. */
const literal = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

const ENTRY = `SELECT a.code, a.name, a.status, a.system_id AS "systemId", a.parent_code AS "parentCode", count(c.fingerprint)::int AS certificates,
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

  /** The agency with its parent and its children (code order). Throws NOT_FOUND for a code not registered. */
  async agency(code: string): Promise<DirectoryEntry & { parent: DirectoryEntry | null; children: DirectoryEntry[] }> {
    const [entry]: DirectoryEntry[] = await this.dataSource.query(`${ENTRY} WHERE a.code = $1 GROUP BY a.code`, [code]);
    if (!entry) throw new EdxError('NOT_FOUND', `Agency ${code} is not registered.`);
    const brief = 'SELECT code, name, status FROM agencies';
    const [parent]: DirectoryEntry[] = entry.parentCode ? await this.dataSource.query(`${brief} WHERE code = $1`, [entry.parentCode]) : [];
    const children: DirectoryEntry[] = await this.dataSource.query(`${brief} WHERE parent_code = $1 ORDER BY code COLLATE "C"`, [code]);
    return { ...entry, parent: parent ?? null, children };
  }
}
