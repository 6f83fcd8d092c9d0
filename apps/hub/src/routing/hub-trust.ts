import { createHash } from 'node:crypto';
import { AlgorithmPolicy, RevocationService, SignaturePolicy, TrustStore, VerifyOptions } from '@edx/trust';
import { Directory } from '../directory/directory';

/** SHA-256 (hex) of a PEM certificate's DER bytes: how the directory names registered certificates. */
export function certificateFingerprint(pem: string): string {
  const der = Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''), 'base64');
  return createHash('sha256').update(der).digest('hex');
}

/**
 * Turns the directory's trust material into verification options. The trust store is rebuilt only
 * when the directory snapshot changes, so chain validation caches survive across messages.
 */
export class HubTrust {
  private built?: { directory: Directory; store: TrustStore };
  private readonly fingerprints = new Map<string, string>();

  constructor(
    readonly policy: SignaturePolicy,
    /** Online revocation (OCSP, CRL distribution points) and what to do when a status cannot be had. */
    readonly revocation?: { readonly service: RevocationService; readonly unknown: 'refuse' | 'warn' },
    /** The algorithm policy (default DEFAULT_ALGORITHM_POLICY; the SHA-1 cut-off is a setting). */
    readonly algorithms?: AlgorithmPolicy,
  ) {}

  verifyOptions(directory: Directory, senderCode: string, at: Date): VerifyOptions & { registeredFingerprints: readonly string[] } {
    return {
      trustStore: this.trustStore(directory),
      at,
      senderCode,
      isRegisteredFor: (agencyCode, signer) => directory.isRegisteredFor(agencyCode, this.fingerprintOf(signer.certificatePem)),
      // The same registrations as data, for a verification worker.
      registeredFingerprints: [...(directory.agency(senderCode)?.certificateFingerprints ?? [])],
    };
  }

  /** The directory's anchors, intermediates and CRLs as a trust store (rebuilt when the snapshot changes). */
  trustStore(directory: Directory): TrustStore {
    if (this.built?.directory !== directory) {
      const { anchors, intermediates, crls } = directory.trust;
      const options = { crlPolicy: 'if-present', staleCrl: 'fail', revocation: this.revocation?.service, unknownRevocation: this.revocation?.unknown, algorithms: this.algorithms } as const;
      this.built = { directory, store: TrustStore.fromPem(anchors, intermediates, crls, options) };
    }
    return this.built.store;
  }

  private fingerprintOf(pem: string): string {
    let fingerprint = this.fingerprints.get(pem);
    if (!fingerprint) {
      fingerprint = certificateFingerprint(pem);
      if (this.fingerprints.size > 10_000) this.fingerprints.clear();
      this.fingerprints.set(pem, fingerprint);
    }
    return fingerprint;
  }
}
