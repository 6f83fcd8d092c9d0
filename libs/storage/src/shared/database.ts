import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { EdxError } from '@edx/common';
import { assertDatabaseTransport } from './database-url';

/** Runs `work` on a connection to the server's `postgres` database (creating, dropping, describing databases). */
async function onServer<T>(url: string, work: (client: Client, name: string) => Promise<T>): Promise<T> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  assertDatabaseTransport(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  let client: Client;
  try {
    client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
    await client.connect();
  } catch (error) {
    throw connectFailure(admin.host, error);
  }
  try {
    return await work(client, name);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The comment on the database named in `url` ('' when it has none), or undefined when there is no
 * such database. `edx up` keeps there which exchange made the database.
 */
export function databaseComment(url: string): Promise<string | undefined> {
  return onServer(url, async (client, name) => {
    const rows = await client.query('SELECT shobj_description(oid, $2) AS comment FROM pg_database WHERE datname = $1', [name, 'pg_database']);
    return rows.rowCount === 0 ? undefined : ((rows.rows[0].comment as string | null) ?? '');
  });
}

/** Sets the comment on the database named in `url` (which must exist). */
export function setDatabaseComment(url: string, comment: string): Promise<void> {
  return onServer(url, async (client, name) => {
    await client.query(`COMMENT ON DATABASE "${name.replace(/"/g, '""')}" IS ${client.escapeLiteral(comment)}`);
  });
}

/** Creates the database named in `url` if it does not exist. */
export function ensureDatabase(url: string): Promise<void> {
  return onServer(url, async (client, name) => {
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new EdxError('CONFIG_INVALID', `Database name "${name}" must be letters, digits and underscores.`);
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    } catch (error) {
      if ((error as { code?: string }).code === '42P04') return; // created concurrently by another process
      throw new EdxError('STORAGE_UNAVAILABLE', `Cannot create database ${name}: ${(error as Error).message}`, undefined, { cause: error });
    }
  });
}

/** Drops the database named in `url` (closing its connections); resolves if there is none. */
export function dropDatabase(url: string): Promise<void> {
  return onServer(url, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  });
}

export interface DatabaseOptions {
  readonly url: string;
  readonly poolSize?: number;
  /**
   * Connections opened at start and kept open however long they idle (pg-pool's `min`), so the
   * first documents after a start or a quiet spell do not wait for TLS handshakes and backends.
   */
  readonly warmConnections?: number;
  readonly logging?: boolean;
}

/**
 * Why a connection to PostgreSQL at `host` failed, as a person reads it: the server refuses TLS or
 * shows a certificate the URL's CA does not vouch for (permanent: a setting to fix), or it cannot be
 * reached (transient).
 */
export function connectFailure(host: string, error: unknown): EdxError {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT' && e.path) return new EdxError('CONFIG_INVALID', `The database URL's sslrootcert ${e.path} does not exist (\`edx database tls\` makes the local one).`, undefined, { cause: error });
  if (/does not support SSL/i.test(e.message)) {
    return new EdxError('PREREQUISITE_MISSING', `PostgreSQL at ${host} does not take TLS connections: turn ssl on there (\`edx database tls\` does it for a local server).`, undefined, { cause: error });
  }
  if (/certificate|self[- ]signed|altname|issuer/i.test(e.message) || /^(ERR_TLS_|UNABLE_TO_|CERT_|DEPTH_ZERO|SELF_SIGNED)/.test(e.code ?? '')) {
    return new EdxError('TRANSPORT_UNTRUSTED', `PostgreSQL at ${host} showed a certificate the database URL's sslrootcert does not vouch for: ${e.message}`, undefined, { cause: error });
  }
  return new EdxError('STORAGE_UNAVAILABLE', `PostgreSQL at ${host} cannot be reached: ${e.message}`, undefined, { cause: error });
}

/**
 * What keeps a connection to the server of `url` from working, or undefined when it works. With
 * `checkTransport`, a URL that would go in clear is refused first, and a connection the server did
 * not encrypt counts as a problem.
 */
export async function connectionProblem(url: string, checkTransport: boolean): Promise<EdxError | undefined> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  let client: Client | undefined;
  try {
    if (checkTransport) assertDatabaseTransport(url);
    client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
    await client.connect();
    if (!checkTransport || admin.searchParams.get('sslmode') === 'disable') return undefined;
    const { rows } = await client.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return rows[0]?.ssl === true ? undefined : new EdxError('PREREQUISITE_MISSING', `PostgreSQL at ${admin.host} did not encrypt the connection.`);
  } catch (error) {
    return error instanceof EdxError ? error : connectFailure(admin.host, error);
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/** Common pg settings: bounded pool, a statement timeout so a stuck query fails instead of hanging a worker. */
export function pgOptions(options: DatabaseOptions): Pick<DataSourceOptions, 'type'> & Record<string, unknown> {
  assertDatabaseTransport(options.url);
  return {
    type: 'postgres',
    url: options.url,
    logging: options.logging ?? false,
    synchronize: false,
    migrationsRun: false,
    extra: { max: options.poolSize ?? 10, min: Math.min(options.warmConnections ?? 0, options.poolSize ?? 10), connectionTimeoutMillis: 5000, statement_timeout: 30000 },
  };
}

/** Opens the data source and runs pending migrations; STORAGE_UNAVAILABLE when the database cannot be reached. */
export async function openDataSource(dataSource: DataSource, migrate = true): Promise<DataSource> {
  try {
    await ensureDatabase((dataSource.options as { url: string }).url);
    await dataSource.initialize();
    if (migrate) await dataSource.runMigrations({ transaction: 'each' });
    await openWarmConnections(dataSource);
    return dataSource;
  } catch (error) {
    if (error instanceof EdxError) throw error;
    const failure = connectFailure(new URL((dataSource.options as { url: string }).url).host, error);
    if (failure.code !== 'STORAGE_UNAVAILABLE') throw failure;
    throw new EdxError('STORAGE_UNAVAILABLE', `Cannot open the database: ${(error as Error).message}`, undefined, { cause: error });
  }
}

/** Opens the pool's `min` connections at once: queries in flight together each take a connection of their own. */
async function openWarmConnections(dataSource: DataSource): Promise<void> {
  const warm = Number((dataSource.options as { extra?: { min?: number } }).extra?.min ?? 0);
  await Promise.all(Array.from({ length: warm }, () => dataSource.query('SELECT 1')));
}

/**
 * The database being away is transient (retry later), never a reason to dead-letter a message:
 * returns STORAGE_UNAVAILABLE for a connection error, the error itself otherwise.
 */
export function asStorageError(error: unknown, what = 'The database'): unknown {
  if (error instanceof EdxError || !isConnectionError(error)) return error;
  return new EdxError('STORAGE_UNAVAILABLE', `${what} is unavailable: ${(error as Error).message}`, undefined, { cause: error });
}

/** Errors from pg that mean "the database is away", as opposed to a bad statement. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  const message = (error as Error)?.message ?? '';
  // TypeORM releases a query runner whose connection emitted an error; its next query then throws these.
  const name = (error as Error)?.name ?? '';
  if (name === 'QueryRunnerAlreadyReleasedError' || name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(code) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|terminating connection|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(message)
  );
}
