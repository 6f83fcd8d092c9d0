import { createTestDatabase, TestDatabase } from '@edx/testing';
import { GATEWAY_PACKAGE_COLUMNS } from '../gateway/migrations/1765400000001-package-storage-external';
import { HUB_PACKAGE_COLUMNS } from '../hub/migrations/1765400000000-package-storage-external';
import { BLOB_COLUMNS } from '../hub/migrations/1765500000000-blob-store';

describe.each(['hub', 'gateway'] as const)('the %s database', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => db?.drop());

  it('migrates from nothing to tables and columns that match the entities', async () => {
    // Indexes and CHECK constraints live in the migrations only; tables and columns must agree.
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    const drift = pending.upQueries.map((q) => q.query).filter((q) => /CREATE TABLE|ADD COLUMN|DROP COLUMN|ALTER COLUMN|ADD "|DROP "/i.test(q));
    expect(drift).toEqual([]);
  });

  it('stores package, status and blob bytes out of line and uncompressed (pglz cannot shrink base64 PDFs, only burn CPU on them)', async () => {
    const columns = kind === 'hub' ? [...HUB_PACKAGE_COLUMNS, ...BLOB_COLUMNS] : GATEWAY_PACKAGE_COLUMNS;
    const rows: Array<{ table: string; column: string; storage: string }> = await db.dataSource.query(
      `SELECT c.relname AS table, a.attname AS column, a.attstorage AS storage FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE (c.relname, a.attname) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY 1, 2`,
      [columns.map(([t]) => t), columns.map(([, c]) => c)],
    );
    expect(rows).toHaveLength(columns.length);
    expect(rows.filter((r) => r.storage !== 'e')).toEqual([]);
    // Every bytea column that holds a package or a status is on the list.
    const byteaColumns: Array<{ table: string; column: string }> = await db.dataSource.query(
      `SELECT table_name AS table, column_name AS column FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'bytea' ORDER BY 1, 2`,
    );
    expect(byteaColumns.map((c) => `${c.table}.${c.column}`).sort()).toEqual(columns.map(([t, c]) => `${t}.${c}`).sort());
  });

  it('migrates down and up again', async () => {
    await db.dataSource.undoLastMigration();
    await db.dataSource.runMigrations();
    expect(await db.dataSource.showMigrations()).toBe(false);
  });
});
