import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createGatewayDataSource, createHubDataSource, dropDatabase, openDataSource } from '@edx/storage';

export const TEST_PG_ROOT = process.env.EDX_TEST_DATABASE_ROOT ?? 'postgres://postgres@127.0.0.1:5432';

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export interface TestDatabase {
  readonly url: string;
  readonly dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file, on the real PostgreSQL. */
export async function createTestDatabase(kind: 'hub' | 'gateway'): Promise<TestDatabase> {
  const url = `${TEST_PG_ROOT}/${uniqueName(`edx_test_${kind}`)}`;
  const dataSource = kind === 'hub' ? createHubDataSource({ url, poolSize: 4 }) : createGatewayDataSource({ url, poolSize: 4 });
  await openDataSource(dataSource);
  return {
    url,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(url);
    },
  };
}
