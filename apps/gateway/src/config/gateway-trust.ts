import { readFileSync } from 'node:fs';
import { AlgorithmPolicy, DEFAULT_ALGORITHM_POLICY, RevocationService, VerificationPool, SignaturePolicy, TrustStore, VerifyOptions } from '@edx/trust';
import { GatewayConfig } from '@edx/common';

/**
 * The gateway's own trust: anchors from its configuration. It has no directory, so a signer belongs
 * to an agency when the agency code in its certificate is that agency's (see libs/trust README).
 */
export class GatewayTrust {
  readonly store: TrustStore;

  constructor(
    config: Pick<GatewayConfig['trust'], 'anchors' | 'intermediates' | 'crls'>,
    readonly policy: SignaturePolicy,
    /** The hub's identity (the agency code in its certificate): who may attest a receipt. */
    readonly hubCode = 'edx.hub',
    /** Online revocation (OCSP, CRL distribution points, the console's CRLs); `settle` it after a verification. */
    readonly revocation?: RevocationService,
    unknownRevocation: 'refuse' | 'warn' = 'refuse',
    algorithms: AlgorithmPolicy = DEFAULT_ALGORITHM_POLICY,
    /** Where heavy documents are verified (worker threads); by default all on the event loop. */
    readonly verifier: VerificationPool = new VerificationPool({ workers: 0, budgetMs: 60_000, inlineBelowBytes: 0 }),
  ) {
    // Bytes, not text: a CA's root often comes as a DER .crt. A file that cannot be read is named (KEY_INVALID).
    const read = (files: string[]) => files.map((name) => ({ name, bytes: readFileSync(name) }));
    this.store = TrustStore.fromMaterial(
      { anchors: read(config.anchors), intermediates: read(config.intermediates), crls: read(config.crls) },
      { crlPolicy: 'if-present', staleCrl: 'fail', revocation, unknownRevocation, algorithms },
    );
  }

  options(senderCode: string, at: Date = new Date()): VerifyOptions {
    return { trustStore: this.store, at, senderCode };
  }
}
