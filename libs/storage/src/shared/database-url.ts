import { EdxError, redactUrl } from '@edx/common';

/**
 * A PostgreSQL URL says how its connection is protected in libpq's own words, which node-postgres,
 * TypeORM and psql all read: `sslmode=verify-full&sslrootcert=CA` (TLS, the server's certificate
 * must chain to CA and name the host). Plain TCP is allowed only when the URL says so
 * (`sslmode=disable`, e.g. a proxy on the same host) or over a Unix socket, which never leaves the
 * machine.
 */

/** sslmode values that encrypt and check the server (node-postgres checks the name for all of them). */
const VERIFYING_MODES = new Set(['verify-full', 'verify-ca', 'require']);

/** `url` with TLS that trusts only `caFile` and checks the server's name, replacing any TLS setting it had. */
export function withVerifiedTls(url: string, caFile: string): string {
  const u = new URL(url);
  u.searchParams.set('sslmode', 'verify-full');
  u.searchParams.set('sslrootcert', caFile);
  return u.toString();
}

/** The database `name` on the server of `root` (a server URL, with or without a database): its TLS settings stay. */
export function databaseUrl(root: string, name: string): string {
  const u = new URL(root);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Throws CONFIG_INVALID when `url` would talk to PostgreSQL over the network without TLS, or with
 * TLS that trusts any certificate: the database holds every document, so its hop is encrypted
 * unless the operator wrote `sslmode=disable` on purpose.
 */
export function assertDatabaseTransport(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new EdxError('CONFIG_INVALID', 'The database URL is not a URL: write postgres://USER@HOST:5432/DB?sslmode=verify-full&sslrootcert=CA.pem.');
  }
  const socket = u.searchParams.get('host')?.startsWith('/') || decodeURIComponent(u.hostname).startsWith('/');
  const mode = u.searchParams.get('sslmode');
  if (socket || mode === 'disable') return;
  const fix = `add ?sslmode=verify-full&sslrootcert=CA.pem (the CA of the server's certificate; \`edx database tls\` sets up a local PostgreSQL), or sslmode=disable to send it in clear on purpose`;
  if (mode === null) throw new EdxError('CONFIG_INVALID', `The database URL ${redactUrl(url)} does not say how to protect the connection: ${fix}.`);
  if (!VERIFYING_MODES.has(mode)) throw new EdxError('CONFIG_INVALID', `The database URL ${redactUrl(url)} has sslmode=${mode}, which does not check the server's certificate: ${fix}.`);
  if (!u.searchParams.get('sslrootcert')) throw new EdxError('CONFIG_INVALID', `The database URL ${redactUrl(url)} has sslmode=${mode} but no sslrootcert: name the CA file the server's certificate chains to.`);
}

/** The PostgreSQL of this machine as the defaults reach it: over TLS trusting `caFile` (the machine's dev transport CA), database `name` if given. */
export function localDatabaseUrl(caFile: string, name?: string): string {
  const server = withVerifiedTls('postgres://postgres@127.0.0.1:5432', caFile);
  return name ? databaseUrl(server, name) : server;
}
