import { QueryRunner } from 'typeorm';

/** Table and column pairs of a migration that changes how PostgreSQL stores them. */
export type Columns = ReadonlyArray<readonly [table: string, column: string]>;

/** Sets each column's storage: EXTERNAL (out of line, uncompressed) or EXTENDED (PostgreSQL's default, compressed). */
export async function setColumnStorage(q: QueryRunner, columns: Columns, storage: 'EXTERNAL' | 'EXTENDED'): Promise<void> {
  for (const [table, column] of columns) await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET STORAGE ${storage}`);
}
