import { createHash, timingSafeEqual } from 'node:crypto';
import { SigningIdentity, loadIdentityFiles } from '@edx/trust';
import { HostedAgencyConfig } from '@edx/common';

export interface HostedAgency {
  readonly code: string;
  readonly name: string;
  readonly identity: SigningIdentity;
}

interface Entry {
  readonly agency: HostedAgency;
  /** SHA-256 of the DMS's API key for this agency. */
  readonly keyHash: Buffer;
}

/**
 * The agencies this gateway hosts now, their signing keys, and API-key lookup. Those of the
 * configuration are there from the start; the directory (DirectoryFollower) hosts and drops the rest
 * while the gateway runs.
 */
export class HostedAgencies {
  private readonly byCode = new Map<string, Entry>();

  /** `keyPassphrase`: of the agencies' encrypted keys (EDX_KEY_PASSPHRASE_FILE). */
  constructor(configs: readonly HostedAgencyConfig[], keyPassphrase?: string) {
    for (const c of configs) this.host({ code: c.code, name: c.name, identity: loadIdentityFiles(c.keyFile, c.certFile, keyPassphrase) }, c.apiKeySha256);
  }

  /** Hosts an agency, or replaces what it was hosted with (a new certificate, name or API key). */
  host(agency: HostedAgency, apiKeySha256: string): void {
    this.byCode.set(agency.code, { agency, keyHash: Buffer.from(apiKeySha256, 'hex') });
  }

  /** Stops hosting an agency: its API key opens nothing, and documents for it are no longer taken. */
  drop(code: string): void {
    this.byCode.delete(code);
  }

  get(code: string): HostedAgency | undefined {
    return this.byCode.get(code)?.agency;
  }

  codes(): string[] {
    return [...this.byCode.keys()];
  }

  /** The agency whose API key this is, compared in constant time. */
  byApiKey(apiKey: string): HostedAgency | undefined {
    const hash = createHash('sha256').update(apiKey).digest();
    let found: HostedAgency | undefined;
    for (const { agency, keyHash } of this.byCode.values()) if (keyHash.length === hash.length && timingSafeEqual(keyHash, hash)) found = agency;
    return found;
  }
}
