import type { AgencyStatus } from '@edx/storage';

export interface DirectoryAgency {
  readonly code: string;
  readonly name: string;
  readonly status: AgencyStatus;
  readonly systemId: string | null;
  /** A retired code: it sends nothing, and what is addressed to it goes to its successor (if any). */
  readonly retired: boolean;
  readonly successorCode: string | null;
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

  /**
   * The agency a code names now: the code itself, or for a retired code the end of its chain of
   * successors (which may be a code retired without one). undefined for a code not registered.
   * The console refuses cycles; a chain that loops anyway ends where it would repeat.
   */
  current(code: string): DirectoryAgency | undefined {
    let agency = this.agencies.get(code);
    const seen = new Set<string>();
    while (agency?.retired && agency.successorCode && !seen.has(agency.code)) {
      seen.add(agency.code);
      agency = this.agencies.get(agency.successorCode) ?? agency;
    }
    return agency;
  }

  systemByAmqpUser(user: string | undefined): DirectorySystem | undefined {
    return user === undefined ? undefined : this.systemsByUser.get(user);
  }

  /** True when the certificate (by fingerprint) is registered for the agency. */
  isRegisteredFor(agencyCode: string, fingerprint: string): boolean {
    return this.agencies.get(agencyCode)?.certificateFingerprints.has(fingerprint) ?? false;
  }
}
