import { DataSource } from 'typeorm';
import { EdxError, ErrorCode, toEdxError } from '@edx/common';
import { AmqpConnection, declareSystemInbox } from '@edx/messaging';
import { AuditActor, appendAudit, foldAgencyName } from '@edx/storage';
import { assertNoParentCycle, lockHierarchy } from '../agency-hierarchy';
import { ListRow, ListedAgency, checkListRow } from './axis-agency-list';

export type ImportResult = 'created' | 'updated' | 'unchanged' | 'refused';

export interface ImportRowResult {
  readonly row: number;
  readonly code: string | null;
  readonly result: ImportResult;
  readonly errorCode?: ErrorCode;
  readonly message?: string;
}

export interface ImportSummary {
  readonly total: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly refused: number;
}

/** The fields an import sets, named as the audit row shows them, with their columns. */
const FIELDS = { name: 'name', axisId: 'axis_id', parentCode: 'parent_code', mail: 'mail', oldCode: 'old_code', code102: 'code102' } as const;
type Field = keyof typeof FIELDS;

/**
 * Imports an agency list (the axis's shape, read by axis-agency-list.ts) into the directory, row by
 * row: each row is its own transaction with its own audit row (`agency.import`, before/after of the
 * fields it changed), so a refused row stops nothing and a crash keeps every row done. Rows are
 * reported as they are done: those refused on their own first, then in import order (parents first). Idempotent:
 * a row that matches the directory writes nothing and answers `unchanged`. Parents (`pid`) are
 * resolved first within the file (whatever the order: a parent is imported before its children),
 * then by axis id or code in the directory. New agencies are hosted by `systemId` when given (with
 * their broker binding), else unhosted (directory entries the hub refuses to route to); an import
 * never moves an agency already hosted. A field absent from the file is kept; an empty one clears it.
 */
export class AgencyImportUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly amqp: AmqpConnection,
  ) {}

  /** Resolves with the summary after `onRow` was called for every row (in import order). Rejects NOT_FOUND for an unknown system. */
  async run(rows: readonly ListRow[], systemId: string | undefined, by: AuditActor, onRow: (result: ImportRowResult) => void | Promise<void>): Promise<ImportSummary> {
    if (systemId !== undefined) {
      const found = await this.dataSource.query('SELECT 1 FROM connected_systems WHERE id = $1', [systemId]);
      if (found.length === 0) throw new EdxError('NOT_FOUND', `Connected system ${systemId} does not exist; create it first, or import without systemId.`);
    }
    const counts = { created: 0, updated: 0, unchanged: 0, refused: 0 };
    const report = async (result: ImportRowResult) => {
      counts[result.result]++;
      await onRow(result);
    };
    const valid: ListedAgency[] = [];
    const seenCodes = new Map<string, number>();
    const seenIds = new Map<string, number>();
    for (const row of rows) {
      const checked = checkListRow(row);
      if (!checked.ok) {
        await report({ row: row.row, code: row.fields.code ?? null, result: 'refused', errorCode: checked.code, message: checked.message });
        continue;
      }
      const a = checked.agency;
      const twice = seenCodes.get(a.code) ?? seenIds.get(a.id);
      if (twice !== undefined) {
        await report({ row: a.row, code: a.code, result: 'refused', errorCode: 'DIRECTORY_ROW_INVALID', message: `Row ${twice} has the same ${seenCodes.has(a.code) ? `code ${a.code}` : `id ${a.id}`}.` });
        continue;
      }
      seenCodes.set(a.code, a.row);
      seenIds.set(a.id, a.row);
      valid.push(a);
    }
    // Only agencies the import creates are hosted by systemId: bind those codes first (a binding for a
    // row refused later is harmless, the hub routes only registered codes; binding a code another
    // system hosts would copy its deliveries, so those are never bound here).
    if (systemId !== undefined && valid.length > 0) {
      const known: Array<{ code: string }> = await this.dataSource.query('SELECT code FROM agencies WHERE code = ANY($1::text[])', [valid.map((a) => a.code)]);
      const registered = new Set(known.map((k) => k.code));
      const fresh = valid.map((a) => a.code).filter((code) => !registered.has(code));
      if (fresh.length > 0) await this.bind(systemId, fresh);
    }

    const byId = new Map(valid.map((a) => [a.id, a]));
    const outcome = new Map<string, ImportRowResult>();
    // Depth-first: a parent in the file before its children; a cycle within the file refuses its rows.
    const visiting = new Set<string>();
    const visit = async (a: ListedAgency): Promise<void> => {
      if (outcome.has(a.code)) return;
      const parent = a.pid ? byId.get(a.pid) : undefined;
      if (parent) {
        if (visiting.has(parent.id)) {
          const cycle: ImportRowResult = { row: a.row, code: a.code, result: 'refused', errorCode: 'DIRECTORY_PARENT_CYCLE', message: `The file's pid chain from ${a.code} (row ${a.row}) leads back to it.` };
          outcome.set(a.code, cycle);
          await report(cycle);
          return;
        }
        visiting.add(a.id);
        await visit(parent);
        visiting.delete(a.id);
      }
      const result = await this.importRow(a, parent ? outcome.get(parent.code) : undefined, systemId, by);
      outcome.set(a.code, result);
      await report(result);
    };
    for (const a of valid) await visit(a);
    return { total: rows.length, ...counts };
  }

  private async importRow(a: ListedAgency, parentOutcome: ImportRowResult | undefined, systemId: string | undefined, by: AuditActor): Promise<ImportRowResult> {
    try {
      if (parentOutcome?.result === 'refused') {
        throw new EdxError('DIRECTORY_PARENT_UNKNOWN', `Its parent ${parentOutcome.code} (row ${parentOutcome.row}) was refused: ${parentOutcome.message}`, { parentCode: parentOutcome.code });
      }
      return await this.dataSource.transaction(async (em) => {
        const parentCode = a.pid === undefined ? undefined : a.pid === null ? null : await this.parentCode(em, a.pid, parentOutcome);
        if (parentCode) await lockHierarchy(em);
        const [row]: Array<Record<string, string | null> & { retired: boolean; system_id: string | null }> = await em.query(
          'SELECT name, axis_id, parent_code, mail, old_code, code102, system_id, retired_at IS NOT NULL AS retired FROM agencies WHERE code = $1 FOR UPDATE', [a.code],
        );
        if (row?.retired) throw new EdxError('DIRECTORY_CODE_RETIRED', `${a.code} is retired; list the agency under its current code.`, { code: a.code });
        const wanted: Partial<Record<Field, string | null>> = { name: a.name, axisId: a.id === a.code ? (row ? row.axis_id : null) : a.id };
        if (parentCode !== undefined) wanted.parentCode = parentCode;
        if (a.mail !== undefined) wanted.mail = a.mail;
        if (a.oldCode !== undefined) wanted.oldCode = a.oldCode;
        if (a.code102 !== undefined) wanted.code102 = a.code102;
        if (parentCode) await assertNoParentCycle(em, a.code, parentCode);
        if (wanted.axisId) {
          const [other]: Array<{ code: string }> = await em.query('SELECT code FROM agencies WHERE axis_id = $1 AND code <> $2', [wanted.axisId, a.code]);
          if (other) throw new EdxError('DIRECTORY_ROW_INVALID', `The id ${wanted.axisId} belongs to ${other.code} in the directory.`, { id: wanted.axisId, code: other.code });
        }
        const fields = Object.keys(wanted) as Field[];
        if (!row) {
          const values = { ...wanted, mail: wanted.mail ?? null };
          const names = Object.keys(values) as Field[];
          await em.query(
            `INSERT INTO agencies (code, name_folded, system_id, ${names.map((f) => FIELDS[f]).join(', ')}) VALUES ($1, $2, $3, ${names.map((_, i) => `$${i + 4}`).join(', ')})`,
            [a.code, foldAgencyName(a.name), systemId ?? null, ...names.map((f) => values[f])],
          );
          await appendAudit(em, { actor: by, action: 'agency.import', target: a.code, before: null, after: { ...values, systemId: systemId ?? null } });
          return { row: a.row, code: a.code, result: 'created' as const };
        }
        const changed = fields.filter((f) => (row[FIELDS[f]] ?? null) !== (wanted[f] ?? null));
        if (changed.length === 0) return { row: a.row, code: a.code, result: 'unchanged' as const };
        const sets = changed.map((f, i) => `${FIELDS[f]} = $${i + 2}`);
        if (changed.includes('name')) sets.push(`name_folded = $${changed.length + 2}`);
        await em.query(`UPDATE agencies SET ${sets.join(', ')}, updated_at = now() WHERE code = $1`, [a.code, ...changed.map((f) => wanted[f]), ...(changed.includes('name') ? [foldAgencyName(a.name)] : [])]);
        await appendAudit(em, {
          actor: by, action: 'agency.import', target: a.code,
          before: Object.fromEntries(changed.map((f) => [f, row[FIELDS[f]] ?? null])),
          after: Object.fromEntries(changed.map((f) => [f, wanted[f] ?? null])),
        });
        return { row: a.row, code: a.code, result: 'updated' as const };
      });
    } catch (error) {
      const e = toEdxError(error);
      if (e.isTransient) throw e;
      return { row: a.row, code: a.code, result: 'refused', errorCode: e.code, message: e.message };
    }
  }

  /** The code of the parent `pid` names: the row of the file with that id, else the directory's agency with that axis id or code. */
  private async parentCode(em: { query(sql: string, params?: unknown[]): Promise<unknown> }, pid: string, inFile: ImportRowResult | undefined): Promise<string> {
    if (inFile?.code) return inFile.code;
    const [found] = (await em.query('SELECT code, retired_at IS NOT NULL AS retired FROM agencies WHERE axis_id = $1 OR (code = $1 AND axis_id IS NULL) ORDER BY axis_id NULLS LAST LIMIT 1', [pid])) as Array<{ code: string; retired: boolean }>;
    if (!found) throw new EdxError('DIRECTORY_PARENT_UNKNOWN', `The parent id ${pid} is neither a row of the file nor an agency of the directory.`, { pid });
    if (found.retired) throw new EdxError('DIRECTORY_CODE_RETIRED', `The parent ${found.code} is retired; name its current code.`, { code: found.code });
    return found.code;
  }

  private async bind(systemId: string, codes: string[]): Promise<void> {
    const ch = await this.amqp.createChannel();
    try {
      await declareSystemInbox(ch, systemId, codes);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }
}
