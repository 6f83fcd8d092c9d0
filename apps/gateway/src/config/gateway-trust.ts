import { readFileSync } from 'node:fs';
import { SignaturePolicy, TrustStore, VerifyOptions } from '@edx/trust';
import { GatewayConfig } from '@edx/common';

/**
 * The gateway's own trust: anchors from its configuration. It has no directory, so a signer belongs
 * to an agency when the agency code in its certificate is that agency's (see libs/trust README).
 */
export class GatewayTrust {
  readonly store: TrustStore;

  constructor(
    config: GatewayConfig['trust'],
    readonly policy: SignaturePolicy,
  ) {
    const read = (files: string[]) => files.map((f) => readFileSync(f, 'utf8'));
    this.store = TrustStore.fromPem(read(config.anchors), read(config.intermediates), read(config.crls), { crlPolicy: 'if-present', staleCrl: 'fail' });
  }

  options(senderCode: string, at: Date = new Date()): VerifyOptions {
    return { trustStore: this.store, at, senderCode };
  }
}
