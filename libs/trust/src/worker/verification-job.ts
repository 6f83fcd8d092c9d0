import { Certificate } from '../certs/certificate';
import type { PortableTrust } from '../certs/trust-store';
import { TrustStore } from '../certs/trust-store';
import type { AttachmentLimits, DocumentInput, DocumentSignatureResult, SignaturePolicy } from '../pdf/document-signatures';
import { verifyDocumentSignatures } from '../pdf/document-signatures';
import { RevocationCache, RevocationMiss, RevocationSnapshot } from '../revocation/revocation-cache';

/** One document verification as it crosses to a worker: plain data only. */
export interface VerificationJob {
  readonly id: number;
  readonly inputs: readonly DocumentInput[];
  /** The trust, sent only when this worker does not hold this version yet. */
  readonly trust?: { readonly version: number; readonly store: PortableTrust; readonly online: boolean };
  readonly trustVersion: number;
  /** The revocation cache, sent only when this worker's copy is older. */
  readonly revocation?: RevocationSnapshot;
  readonly at?: Date;
  readonly now?: Date;
  readonly senderCode?: string;
  /** SHA-256 (hex, of the DER) of the certificates registered for the sender: the directory's say, as data. */
  readonly registeredFingerprints?: readonly string[];
  readonly policy: SignaturePolicy;
  readonly limits?: Partial<AttachmentLimits>;
}

export interface VerificationAnswer {
  readonly id: number;
  readonly result?: DocumentSignatureResult;
  /** Certificates whose revocation status the worker could not answer from its copy: to fetch. */
  readonly misses?: RevocationMiss[];
  readonly error?: string;
}

/**
 * The worker's side: the trust store and revocation copy it was last given, and one job at a time.
 * Kept apart from the thread plumbing so that it reads (and is tested) as plain code.
 */
export class VerificationRunner {
  private trust?: { version: number; store: PortableTrust; online: boolean };
  private revocation?: RevocationCache;
  private store?: TrustStore;

  run(job: VerificationJob): VerificationAnswer {
    if (job.trust) {
      this.trust = job.trust;
      this.store = undefined;
    }
    if (job.revocation) {
      this.revocation = RevocationCache.fromSnapshot(job.revocation);
      this.store = undefined;
    }
    if (!this.trust || this.trust.version !== job.trustVersion) return { id: job.id, error: 'the worker was not given the trust it was asked to verify with' };
    this.store ??= TrustStore.fromPortable(this.trust.store, this.trust.online ? this.revocation : undefined);
    const registered = new Set(job.registeredFingerprints ?? []);
    // Buffers arrive as plain Uint8Arrays: the same bytes, viewed as Buffers again (no copy).
    const inputs = job.inputs.map((input) => ({ ...input, bytes: Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength) }));
    const result = verifyDocumentSignatures(inputs, {
      trustStore: this.store,
      at: job.at,
      now: job.now,
      senderCode: job.senderCode,
      isRegisteredFor: job.registeredFingerprints ? (code, signer) => code === job.senderCode && registered.has(Certificate.from(signer.certificatePem).fingerprint) : undefined,
      policy: job.policy,
      limits: job.limits,
    });
    return { id: job.id, result, misses: this.revocation?.takePortableMisses() ?? [] };
  }
}
