import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Certificate } from '../certs/certificate';
import { TrustStore } from '../certs/trust-store';
import { AttachmentLimits, DocumentInput, DocumentSignatureResult, SignaturePolicy, verifyDocumentSignatures } from '../pdf/document-signatures';
import { RevocationCache } from '../revocation/revocation-cache';
import { VerifyOptions } from '../verdict';
import { VerificationAnswer, VerificationJob } from './verification-job';

export interface VerificationPoolOptions {
  /** Worker threads; 0 verifies everything on the calling thread. */
  readonly workers: number;
  /** How long one job may run in its worker before the worker is stopped and the documents refused. */
  readonly budgetMs: number;
  /** Documents smaller than this in all, with no zip among them, are verified on the calling thread (cheaper than a hand-over). */
  readonly inlineBelowBytes: number;
}

export type DocumentVerifyOptions = VerifyOptions & {
  readonly policy: SignaturePolicy;
  readonly limits?: Partial<AttachmentLimits>;
  /**
   * SHA-256 (hex, of the DER) of the certificates registered for the sender: the directory's
   * `isRegisteredFor` as data, since a function cannot cross to a worker.
   */
  readonly registeredFingerprints?: readonly string[];
};

interface Pending {
  readonly inputs: readonly DocumentInput[];
  readonly options: DocumentVerifyOptions;
  readonly resolve: (result: DocumentSignatureResult) => void;
}

interface Slot {
  readonly worker: Worker;
  job?: { id: number; pending: Pending; timer: NodeJS.Timeout; revocation?: RevocationCache };
  trustVersion: number;
  revocationVersion: number;
}

/**
 * Verifies the PDF signatures of large or zipped documents in worker threads, each job within a time
 * budget, so that inflating and hashing never hold the event loop (heartbeats, `/health`, the other
 * messages of the batch). Small documents are verified inline. Verification stays the same code
 * (verifyDocumentSignatures); the worker gets the trust store and the revocation cache as data, and
 * what it could not answer about revocation comes back as misses for the caller's service to fetch.
 */
export class VerificationPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly trustVersions = new WeakMap<TrustStore, number>();
  private nextTrustVersion = 1;
  private nextJob = 1;
  private closed = false;

  constructor(readonly options: VerificationPoolOptions) {}

  /** verifyDocumentSignatures, off the calling thread when the documents are heavy. Never throws: the result says why. */
  verifyDocuments(inputs: readonly DocumentInput[], options: DocumentVerifyOptions): Promise<DocumentSignatureResult> {
    if (this.closed || this.options.workers === 0 || options.tsaTrust || !isHeavy(inputs, this.options.inlineBelowBytes)) {
      return Promise.resolve(verifyDocumentSignatures(inputs, options));
    }
    return new Promise((resolve) => {
      this.queue.push({ inputs, options, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.resolve(verifyDocumentSignatures(pending.inputs, pending.options));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.options.workers) slot = this.startSlot();
      if (!slot) return;
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private dispatch(slot: Slot, pending: Pending): void {
    const store = pending.options.trustStore;
    let trustVersion = this.trustVersions.get(store);
    if (!trustVersion) {
      trustVersion = this.nextTrustVersion++;
      this.trustVersions.set(store, trustVersion);
    }
    const revocation = store.options.revocation instanceof RevocationCache ? store.options.revocation : undefined;
    const id = this.nextJob++;
    const { at, now, senderCode, registeredFingerprints, policy, limits } = pending.options;
    const job: VerificationJob = {
      at, now, senderCode, registeredFingerprints, policy, limits,
      id,
      inputs: pending.inputs,
      trustVersion,
      trust: slot.trustVersion === trustVersion ? undefined : { version: trustVersion, store: store.portable(), online: store.options.revocation !== undefined },
      revocation: revocation && slot.revocationVersion !== revocation.version ? revocation.snapshot() : undefined,
    };
    slot.trustVersion = trustVersion;
    if (revocation) slot.revocationVersion = revocation.version;
    const timer = setTimeout(() => this.abandon(slot, `it took longer than its budget of ${this.options.budgetMs} ms (EDX_VERIFY_BUDGET_MS)`), this.options.budgetMs);
    slot.job = { id, pending, timer, revocation };
    slot.worker.postMessage(job);
  }

  private startSlot(): Slot {
    const slot: Slot = { worker: startWorker(), trustVersion: 0, revocationVersion: -1 };
    slot.worker.unref();
    slot.worker.on('message', (answer: VerificationAnswer) => this.answered(slot, answer));
    slot.worker.on('error', (error) => this.abandon(slot, `its worker failed: ${error.message}`));
    slot.worker.on('exit', (code) => this.abandon(slot, `its worker stopped (exit code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  private answered(slot: Slot, answer: VerificationAnswer): void {
    const job = slot.job;
    if (!job || job.id !== answer.id) return;
    clearTimeout(job.timer);
    slot.job = undefined;
    for (const miss of answer.misses ?? []) job.revocation?.noteMiss(Certificate.from(Buffer.from(miss.cert)), Certificate.from(Buffer.from(miss.issuer)));
    job.pending.resolve(answer.result ?? aborted(answer.error ?? 'its worker gave no result'));
    this.pump();
  }

  /** Stops a worker that overran its budget or died: its job is refused with the reason, a new worker takes the next. */
  private abandon(slot: Slot, why: string): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      clearTimeout(job.timer);
      job.pending.resolve(aborted(why));
    }
    void slot.worker.terminate();
    this.pump();
  }
}

function aborted(why: string): DocumentSignatureResult {
  return { ok: false, code: 'VERIFICATION_ABORTED', message: `The documents' signatures could not be verified: ${why}.`, reports: [] };
}

/** Worth a hand-over: large in all, or holding a zip (whose inflated size nothing bounds but the caps). */
function isHeavy(inputs: readonly DocumentInput[], inlineBelowBytes: number): boolean {
  let total = 0;
  for (const input of inputs) {
    total += input.bytes.length;
    const zip = input.format === 'zip' || /zip/i.test(input.contentType ?? '') || /\.zip$/i.test(input.name) || input.bytes.subarray(0, 2).toString('latin1') === 'PK';
    if (zip) return true;
  }
  return total >= inlineBelowBytes;
}

/**
 * A worker running verification-worker, compiled (dist, with the @edx/* paths) or from the sources
 * (through the same SWC loader as `edx` before a build).
 */
function startWorker(): Worker {
  const compiled = __filename.endsWith('.js');
  const entry = path.join(__dirname, `verification-worker.${compiled ? 'js' : 'ts'}`);
  let root = __dirname;
  while (!existsSync(path.join(root, 'bin', 'register-ts.js')) && path.dirname(root) !== root) root = path.dirname(root);
  const loader = path.join(root, 'bin', compiled ? 'register-paths.js' : 'register-ts.js');
  return new Worker(`require(${JSON.stringify(loader)}); require(${JSON.stringify(entry)});`, { eval: true });
}
