import { EdxError } from '@edx/common';
import { isAgencyCode } from '@edx/edxml';
import { contactValue } from '../agency-contacts';
import { readCsv, writeCsv } from './csv';

/**
 * The national axis's agency-list shape: `id` (the agency's id in that list), `pid` (its parent's id
 * in the same list), `code`, `name`, `mail`, `oldCode` (a previous code of the same agency) and
 * `code102` (its code under QĐ 20/2020). Exported and imported as a JSON array of these objects or
 * as CSV with these names in its header row.
 */
export const AXIS_FIELDS = ['id', 'pid', 'code', 'name', 'mail', 'oldCode', 'code102'] as const;
export type AxisField = (typeof AXIS_FIELDS)[number];

export interface AxisAgency {
  readonly id: string | number;
  readonly pid: string | number | null;
  readonly code: string;
  readonly name: string;
  readonly mail: string | null;
  readonly oldCode: string | null;
  readonly code102: string | null;
}

/** A row of an import file as read: each field given (text, or null for an empty one); absent fields are not there. */
export interface ListRow {
  /** 1-based: the element of the JSON array, or the data row of the CSV (the header is row 0). */
  readonly row: number;
  readonly fields: Partial<Record<AxisField, string | null>>;
}

/** A row that passed its own checks: what the directory is to hold for its code. */
export interface ListedAgency {
  readonly row: number;
  readonly id: string;
  /** The parent's id in the file (or in the directory); null: no parent; undefined: keep the parent. */
  readonly pid: string | null | undefined;
  readonly code: string;
  readonly name: string;
  readonly mail: string | null | undefined;
  readonly oldCode: string | null | undefined;
  readonly code102: string | null | undefined;
}

export const MAX_IMPORT_ROWS = 20_000;
const MAX_TEXT = 500;

/**
 * Reads an agency list: a JSON array of objects, or CSV text whose header row names the columns
 * (case ignored; unknown columns are ignored, `code` and `name` are required). Throws
 * DIRECTORY_IMPORT_INVALID for what is neither, DIRECTORY_IMPORT_TOO_LARGE past MAX_IMPORT_ROWS rows.
 */
export function readAgencyList(input: unknown, format: 'json' | 'csv'): ListRow[] {
  return format === 'csv' ? fromCsv(typeof input === 'string' ? input : Buffer.isBuffer(input) ? input.toString('utf8') : '') : fromJson(input);
}

function tooMany(count: number): never {
  throw new EdxError('DIRECTORY_IMPORT_TOO_LARGE', `The file has ${count} rows; one import takes at most ${MAX_IMPORT_ROWS}. Split it.`, { rows: count, max: MAX_IMPORT_ROWS });
}

function fromJson(input: unknown): ListRow[] {
  if (!Array.isArray(input)) throw new EdxError('DIRECTORY_IMPORT_INVALID', 'A JSON agency list is an array of { id, pid, code, name, mail, oldCode, code102 } objects.');
  if (input.length > MAX_IMPORT_ROWS) tooMany(input.length);
  return input.map((item, i) => {
    const fields: ListRow['fields'] = {};
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      for (const name of AXIS_FIELDS) {
        const value = (item as Record<string, unknown>)[name];
        if (value === undefined) continue;
        fields[name] = value === null || value === '' ? null : typeof value === 'string' || typeof value === 'number' ? String(value) : `\u0000${typeof value}`;
      }
    }
    return { row: i + 1, fields };
  });
}

function fromCsv(text: string): ListRow[] {
  if (!text.trim()) throw new EdxError('DIRECTORY_IMPORT_INVALID', 'The CSV file is empty; it needs a header row (id,pid,code,name,mail,oldCode,code102) and a row per agency.');
  const records = readCsv(text);
  if (records.length - 1 > MAX_IMPORT_ROWS) tooMany(records.length - 1);
  const header = records[0].fields.map((name) => AXIS_FIELDS.find((f) => f.toLowerCase() === name.trim().toLowerCase()));
  if (!header.includes('code') || !header.includes('name')) {
    throw new EdxError('DIRECTORY_IMPORT_INVALID', `The CSV header row "${records[0].fields.join(',').slice(0, 120)}" must name the columns code and name (and may name id, pid, mail, oldCode, code102).`);
  }
  return records.slice(1).map((record, i) => {
    const fields: ListRow['fields'] = {};
    header.forEach((name, column) => {
      if (name) fields[name] = record.fields[column]?.trim() ? record.fields[column].trim() : null;
    });
    return { row: i + 1, fields };
  });
}

/** Checks one row on its own (the parent is resolved against the file and the directory later). */
export function checkListRow(row: ListRow): { ok: true; agency: ListedAgency } | { ok: false; code: 'DIRECTORY_ROW_INVALID' | 'DIRECTORY_CONTACT_INVALID'; message: string } {
  const f = row.fields;
  const bad = (message: string) => ({ ok: false as const, code: 'DIRECTORY_ROW_INVALID' as const, message });
  for (const name of AXIS_FIELDS) {
    const value = f[name];
    if (value?.startsWith('\u0000')) return bad(`"${name}" must be text or a number, not ${value.slice(1)}.`);
    if (value && value.length > MAX_TEXT) return bad(`"${name}" is longer than ${MAX_TEXT} characters.`);
  }
  const code = f.code?.trim();
  if (!code) return bad('The row has no code.');
  if (!isAgencyCode(code)) return bad(`"${code}" is not an agency code (a form like 000.00.00.G22, G12, H37.DN.001).`);
  const name = f.name?.trim().replace(/\s+/g, ' ');
  if (!name) return bad(`Agency ${code} has no name.`);
  const oldCode = f.oldCode?.trim();
  if (oldCode && !isAgencyCode(oldCode)) return bad(`oldCode "${oldCode}" is not an agency code.`);
  if (oldCode === code) return bad(`oldCode is the agency's own code ${code}.`);
  let mail: string | null | undefined;
  try {
    mail = f.mail === undefined ? undefined : contactValue('mail', f.mail);
  } catch (error) {
    return { ok: false, code: 'DIRECTORY_CONTACT_INVALID', message: (error as EdxError).message };
  }
  const id = f.id?.trim() || code;
  const pid = f.pid === undefined ? undefined : f.pid === null || f.pid.trim() === '' || f.pid.trim() === '0' ? null : f.pid.trim();
  if (pid === id) return bad(`Agency ${code} names itself as its parent (pid ${pid}).`);
  return {
    ok: true,
    agency: { row: row.row, id, pid, code, name, mail, oldCode: f.oldCode === undefined ? undefined : oldCode || null, code102: f.code102 === undefined ? undefined : f.code102?.trim() || null },
  };
}

/** An id as the axis writes it: a number when it is one, else the text. */
function axisId(id: string): string | number {
  return /^[1-9][0-9]{0,14}$/.test(id) ? Number(id) : id;
}

/** A directory entry in the axis's shape: `id` is the axis id it was imported with, else its code. */
export function toAxisAgency(entry: { code: string; name: string; axisId: string | null; parentId: string | null; mail: string | null; oldCode: string | null; code102: string | null }): AxisAgency {
  return {
    id: axisId(entry.axisId ?? entry.code),
    pid: entry.parentId === null ? null : axisId(entry.parentId),
    code: entry.code,
    name: entry.name,
    mail: entry.mail,
    oldCode: entry.oldCode,
    code102: entry.code102,
  };
}

/** The list as CSV: the header row, then one row per agency (empty fields for null). */
export function writeAgencyListCsv(agencies: readonly AxisAgency[]): string {
  return writeCsv([AXIS_FIELDS, ...agencies.map((a) => AXIS_FIELDS.map((name) => (a[name] === null ? '' : String(a[name]))))]);
}
