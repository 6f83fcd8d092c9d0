import type { AgencyStatus } from '@edx/storage';

export interface DirectoryAgency {
  readonly code: string;
  readonly name: string;
  readonly status: AgencyStatus;
  readonly systemId: string | null;
  /** SHA-256 fingerprints (hex) of the agency's registered signing certificates. */
  readonly certificateFingerprints: ReadonlySet<string>;
}

export interface DirectorySystem {
  readonly id: string;
  readonly amqpUser: string;
  readonly status: 'active' | 'suspended';
}

/** A consistent snapshot of the agency directory, as the hub sees it for a batch. */
export class Directory {
  private readonly systemsByUser: Map<string, DirectorySystem>;

  constructor(
    private readonly agencies: ReadonlyMap<string, DirectoryAgency>,
    systems: readonly DirectorySystem[],
    readonly trust: { anchors: string[]; intermediates: string[]; crls: string[] },
  ) {
    this.systemsByUser = new Map(systems.map((s) => [s.amqpUser, s]));
  }

  agency(code: string): DirectoryAgency | undefined {
    return this.agencies.get(code);
  }

  systemByAmqpUser(user: string | undefined): DirectorySystem | undefined {
    return user === undefined ? undefined : this.systemsByUser.get(user);
  }

  /** True when the certificate (by fingerprint) is registered for the agency. */
  isRegisteredFor(agencyCode: string, fingerprint: string): boolean {
    return this.agencies.get(agencyCode)?.certificateFingerprints.has(fingerprint) ?? false;
  }
}
