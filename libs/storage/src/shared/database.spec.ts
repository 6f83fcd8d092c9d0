import { EdxError } from '@edx/common';
import { QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { TEST_PG_ROOT, createTestDatabase, TestDatabase, uniqueName } from '@edx/testing';
import { databaseUrl } from './database-url';
import { createHubDataSource } from '../hub';
import { asStorageError, databaseComment, dropDatabase, ensureDatabase, isConnectionError, openDataSource, setDatabaseComment } from './database';

describe('asStorageError (real PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hub');
  });
  afterAll(async () => db?.drop());

  it('maps a connection killed inside a transaction to STORAGE_UNAVAILABLE, which is transient', async () => {
    const error = await db.dataSource
      .transaction(async (manager) => {
        const [{ pid }] = await manager.query('SELECT pg_backend_pid() AS pid');
        await db.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
        await manager.query('SELECT 1');
      })
      .catch((e: unknown) => e);
    const mapped = asStorageError(error, 'The hub database');
    expect(mapped).toBeInstanceOf(EdxError);
    expect(mapped).toMatchObject({ code: 'STORAGE_UNAVAILABLE', isTransient: true });
  });

  it('treats a query runner released after its connection failed as a connection loss', () => {
    expect(isConnectionError(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
  });

  it('leaves a bad statement as it is: retrying it would never help', async () => {
    const error = await db.dataSource.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(isConnectionError(error)).toBe(false);
    expect(asStorageError(error)).toBe(error);
  });
});

describe('database comments (real PostgreSQL)', () => {
  const url = databaseUrl(TEST_PG_ROOT, uniqueName('edx_test_comment'));
  afterAll(() => dropDatabase(url));

  it('tells a missing database from one without a comment, and reads back what was written', async () => {
    expect(await databaseComment(url)).toBeUndefined();
    await ensureDatabase(url);
    expect(await databaseComment(url)).toBe('');
    await setDatabaseComment(url, `edx exchange {"id":"x","note":"it's quoted"}`);
    expect(await databaseComment(url)).toBe(`edx exchange {"id":"x","note":"it's quoted"}`);
    await dropDatabase(url);
    expect(await databaseComment(url)).toBeUndefined();
  });
});

describe('warm connections (real PostgreSQL)', () => {
  const url = databaseUrl(TEST_PG_ROOT, uniqueName('edx_test_warm'));
  const dataSource = createHubDataSource({ url, poolSize: 8, warmConnections: 3 });
  afterAll(async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    await dropDatabase(url);
  });

  it('opens them at start, before any query asks, and keeps them however long they idle', async () => {
    await openDataSource(dataSource);
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()');
    expect(n).toBe(3);
    // pg-pool closes idle clients only above its `min`.
    expect((dataSource.driver as unknown as { master: { options: { min: number } } }).master.options.min).toBe(3);
  });
});
