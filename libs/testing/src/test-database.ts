import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createGatewayDataSource, createHubDataSource, databaseUrl, dropDatabase, localDatabaseUrl, openDataSource } from '@edx/storage';
import { devBrokerTlsPaths } from '@edx/messaging';

/** The tests' PostgreSQL, over TLS trusting the machine's dev transport CA (`edx database tls`), as the apps connect. */
export const TEST_PG_ROOT = process.env.EDX_TEST_DATABASE_ROOT ?? localDatabaseUrl(devBrokerTlsPaths().caFile);

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
  const url = databaseUrl(TEST_PG_ROOT, uniqueName(`edx_test_${kind}`));
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
