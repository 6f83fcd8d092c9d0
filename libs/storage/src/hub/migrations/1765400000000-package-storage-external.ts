import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Package and status bytes are stored out of line without compression: they are mostly base64 of
 * PDFs, which pglz cannot shrink but still spends a quarter of PostgreSQL's CPU trying to. Rows
 * written before keep their compression; PostgreSQL reads both.
 */
export const HUB_PACKAGE_COLUMNS: ReadonlyArray<readonly [table: string, column: string]> = [
  ['delivered_packages', 'body'],
  ['signed_statuses', 'body'],
  ['dead_letters', 'body'],
];

export class HubPackageStorageExternal1765400000000 implements MigrationInterface {
  name = 'HubPackageStorageExternal1765400000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of HUB_PACKAGE_COLUMNS) await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of HUB_PACKAGE_COLUMNS) await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET STORAGE EXTENDED`);
  }
}
