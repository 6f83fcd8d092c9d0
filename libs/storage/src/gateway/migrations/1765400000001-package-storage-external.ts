import { MigrationInterface, QueryRunner } from 'typeorm';

/** As the hub's (HubPackageStorageExternal): package and status bytes out of line, uncompressed. */
export const GATEWAY_PACKAGE_COLUMNS: ReadonlyArray<readonly [table: string, column: string]> = [
  ['outgoing_documents', 'package'],
  ['incoming_documents', 'package'],
  ['outbox', 'body'],
];

export class GatewayPackageStorageExternal1765400000001 implements MigrationInterface {
  name = 'GatewayPackageStorageExternal1765400000001';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of GATEWAY_PACKAGE_COLUMNS) await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of GATEWAY_PACKAGE_COLUMNS) await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET STORAGE EXTENDED`);
  }
}
