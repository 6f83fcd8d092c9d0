import { createHash, timingSafeEqual } from 'node:crypto';
import { SigningIdentity, loadIdentityFiles } from '@edx/trust';
import { HostedAgencyConfig } from '@edx/common';

export interface HostedAgency {
  readonly code: string;
  readonly name: string;
  readonly identity: SigningIdentity;
}

/** The agencies this gateway hosts, their signing keys, and API-key lookup. */
export class HostedAgencies {
  private readonly byCode = new Map<string, HostedAgency>();
  private readonly byKeyHash: Array<{ hash: Buffer; agency: HostedAgency }> = [];

  /** `keyPassphrase`: of the agencies' encrypted keys (EDX_KEY_PASSPHRASE_FILE). */
  constructor(configs: readonly HostedAgencyConfig[], keyPassphrase?: string) {
    for (const c of configs) {
      const identity = loadIdentityFiles(c.keyFile, c.certFile, keyPassphrase);
      const agency = { code: c.code, name: c.name, identity };
      this.byCode.set(c.code, agency);
      this.byKeyHash.push({ hash: Buffer.from(c.apiKeySha256, 'hex'), agency });
    }
  }

  get(code: string): HostedAgency | undefined {
    return this.byCode.get(code);
  }

  codes(): string[] {
    return [...this.byCode.keys()];
  }

  /** The agency whose API key this is, compared in constant time. */
  byApiKey(apiKey: string): HostedAgency | undefined {
    const hash = createHash('sha256').update(apiKey).digest();
    return this.byKeyHash.find((k) => timingSafeEqual(k.hash, hash))?.agency;
  }
}
