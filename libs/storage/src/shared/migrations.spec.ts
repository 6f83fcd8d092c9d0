import { createTestDatabase, TestDatabase } from '@edx/testing';

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

  it('migrates down and up again', async () => {
    await db.dataSource.undoLastMigration();
    await db.dataSource.runMigrations();
    expect(await db.dataSource.showMigrations()).toBe(false);
  });
});
