import { assertDatabaseTransport, databaseUrl, withVerifiedTls } from './database-url';

describe('database URLs', () => {
  it('names a database on a server and keeps the TLS settings', () => {
    const server = withVerifiedTls('postgres://edx:s3cret@db.example.gov.vn:5432', '/etc/edx/db-ca.pem');
    const url = new URL(databaseUrl(server, 'edx_hub'));
    expect(url.pathname).toBe('/edx_hub');
    expect(url.searchParams.get('sslmode')).toBe('verify-full');
    expect(url.searchParams.get('sslrootcert')).toBe('/etc/edx/db-ca.pem');
    expect(new URL(databaseUrl(url.toString(), 'other')).pathname).toBe('/other');
  });

  it('replaces a weaker TLS setting', () => {
    const url = new URL(withVerifiedTls('postgres://db:5432/x?sslmode=no-verify', '/ca.pem'));
    expect(url.searchParams.getAll('sslmode')).toEqual(['verify-full']);
  });

  it('refuses a network URL that would go in clear or trust any certificate, without its password in the message', () => {
    const refusal = (url: string) => {
      try {
        assertDatabaseTransport(url);
        return 'accepted';
      } catch (error) {
        return `${(error as { code: string }).code}: ${(error as Error).message}`;
      }
    };
    expect(refusal('postgres://edx:s3cret@db:5432/x')).toMatch(/^CONFIG_INVALID: .*does not say how to protect the connection/);
    expect(refusal('postgres://edx:s3cret@db:5432/x')).not.toContain('s3cret');
    expect(refusal('postgres://db:5432/x?sslmode=prefer')).toMatch(/sslmode=prefer, which does not check/);
    expect(refusal('postgres://db:5432/x?sslmode=no-verify')).toMatch(/sslmode=no-verify/);
    expect(refusal('postgres://db:5432/x?sslmode=verify-full')).toMatch(/no sslrootcert/);
    expect(refusal('not a url')).toMatch(/^CONFIG_INVALID/);
    // Said on purpose, or never leaving the machine:
    expect(refusal('postgres://db:5432/x?sslmode=disable')).toBe('accepted');
    expect(refusal('postgres://edx@%2Fvar%2Frun%2Fpostgresql/x')).toBe('accepted');
    expect(refusal('postgres://edx@localhost/x?host=/var/run/postgresql')).toBe('accepted');
    expect(refusal(withVerifiedTls('postgres://db:5432/x', '/ca.pem'))).toBe('accepted');
  });
});
