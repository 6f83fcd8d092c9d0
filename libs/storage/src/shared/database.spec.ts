import { EdxError } from '@edx/common';
import { QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { TEST_PG_ROOT, createTestDatabase, TestDatabase, uniqueName } from '@edx/testing';
import { databaseUrl } from './database-url';
import { asStorageError, databaseComment, dropDatabase, ensureDatabase, isConnectionError, setDatabaseComment } from './database';

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
