import { DataSource } from 'typeorm';
import { Directory, DirectoryAgency, DirectorySystem } from './directory';

/**
 * Reads the directory from the hub database and keeps it for `ttlMs`: the hub consults it for every
 * message, and onboarding, suspension or a code's retirement takes effect within that time
 * (EDX_DIRECTORY_CACHE_MS, default 2 s).
 */
export class DirectoryRepository {
  private cached?: { directory: Directory; loadedAt: number };
  private loading?: Promise<Directory>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlMs = 2000,
  ) {}

  async current(): Promise<Directory> {
    if (this.cached && Date.now() - this.cached.loadedAt < this.ttlMs) return this.cached.directory;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Forget the cache, e.g. after onboarding in the same process or in tests. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async load(): Promise<Directory> {
    const [agencyRows, certRows, systemRows, trustRows] = await Promise.all([
      this.dataSource.query('SELECT code, name, status, system_id, successor_code, retired_at IS NOT NULL AS retired FROM agencies') as Promise<Array<{ code: string; name: string; status: 'active' | 'suspended'; system_id: string | null; successor_code: string | null; retired: boolean }>>,
      this.dataSource.query("SELECT agency_code, fingerprint FROM agency_certificates WHERE status = 'active'") as Promise<Array<{ agency_code: string; fingerprint: string }>>,
      this.dataSource.query('SELECT id, amqp_user, status FROM connected_systems') as Promise<Array<{ id: string; amqp_user: string; status: 'active' | 'suspended' }>>,
      this.dataSource.query('SELECT kind, pem FROM trust_material ORDER BY id') as Promise<Array<{ kind: string; pem: string }>>,
    ]);
    const certs = new Map<string, Set<string>>();
    for (const row of certRows) {
      const set = certs.get(row.agency_code) ?? new Set<string>();
      set.add(row.fingerprint.toLowerCase());
      certs.set(row.agency_code, set);
    }
    const agencies = new Map<string, DirectoryAgency>(
      agencyRows.map((a) => [a.code, { code: a.code, name: a.name, status: a.status, systemId: a.system_id, retired: a.retired, successorCode: a.successor_code, certificateFingerprints: certs.get(a.code) ?? new Set() }]),
    );
    const systems: DirectorySystem[] = systemRows.map((s) => ({ id: s.id, amqpUser: s.amqp_user, status: s.status }));
    const pick = (kind: string) => trustRows.filter((t) => t.kind === kind).map((t) => t.pem);
    const directory = new Directory(agencies, systems, { anchors: pick('anchor'), intermediates: pick('intermediate'), crls: pick('crl') });
    this.cached = { directory, loadedAt: Date.now() };
    return directory;
  }
}
