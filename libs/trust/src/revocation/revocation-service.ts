import { randomBytes } from 'node:crypto';
import { EdxError, Fetch, Logger, RevocationSettings } from '@edx/common';
import { AlgorithmPolicy } from '../certs/algorithm-policy';
import { Certificate } from '../certs/certificate';
import { RevocationList } from '../certs/crl';
import { readTrustMaterial } from '../certs/trust-material';
import { fetchCapped } from './fetch-capped';
import { OcspAnswer, ocspRequest, readOcspResponse } from './ocsp';
import { RevocationCache } from './revocation-cache';

export interface RevocationServiceOptions {
  /** How long one OCSP or CRL request may take. */
  readonly timeoutMs?: number;
  /** After a failed fetch, how long the failure stands (the degraded mode decides) before edx asks again. */
  readonly retryAfterMs?: number;
  /** How long an answer without nextUpdate is trusted (an OCSP answer, a CRL). */
  readonly maxAgeMs?: number;
  readonly maxCrlBytes?: number;
  readonly maxOcspBytes?: number;
  /** URLs that serve PEM bundles of uploaded CRLs (the console's `GET /v1/trust/crls`), polled every `sourceRefreshMs`. */
  readonly crlSources?: readonly string[];
  /** How the crlSources are fetched: HTTPS trusting the exchange's transport CA (default: the global fetch). */
  readonly crlSourceClient?: Fetch;
  readonly sourceRefreshMs?: number;
  readonly policy?: AlgorithmPolicy;
  /** Told about every fetch and its outcome (apps log it). */
  readonly onEvent?: (event: RevocationEvent) => void;
}

export interface RevocationEvent {
  readonly outcome: 'fetched' | 'failed';
  readonly kind: 'ocsp' | 'crl' | 'crl-source';
  readonly url: string;
  readonly detail: string;
}

const DEFAULTS = { timeoutMs: 5000, retryAfterMs: 30_000, maxAgeMs: 3600_000, maxCrlBytes: 20 * 1024 * 1024, maxOcspBytes: 256 * 1024, sourceRefreshMs: 300_000 };
/** A responder's clock may run a little ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The revocation service of a hub or gateway: answers the trust store from what it fetched (OCSP
 * responders named in certificates, CRL distribution points, the console's uploaded CRLs), caching
 * each answer until its nextUpdate. Verification stays synchronous: the store notes what it could
 * not answer, `settle()` fetches that, and the caller verifies again.
 */
export class RevocationService extends RevocationCache {
  private readonly options: RevocationServiceOptions & typeof DEFAULTS;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;

  constructor(options: RevocationServiceOptions = {}) {
    super();
    this.options = { ...DEFAULTS, ...options };
  }

  /** Loads the console's CRLs once, then keeps them current in the background. */
  async start(): Promise<void> {
    if (!this.options.crlSources?.length) return;
    await this.refreshSources();
    this.timer = setInterval(() => void this.refreshSources(), this.options.sourceRefreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Fetches the status of every certificate the store could not answer for. True when there was any: verify again. */
  async settle(now: Date = new Date()): Promise<boolean> {
    const pending = this.takeMisses();
    if (pending.length === 0) return false;
    await Promise.all(
      pending.map(([key, { cert, issuer }]) => {
        let running = this.inFlight.get(key);
        if (!running) {
          running = this.fetchStatus(cert, issuer, now).finally(() => this.inFlight.delete(key));
          this.inFlight.set(key, running);
        }
        return running;
      }),
    );
    return true;
  }

  /** OCSP first (per certificate, the fresher answer), then the CRL distribution points; a failure of all is remembered. */
  private async fetchStatus(cert: Certificate, issuer: Certificate, now: Date): Promise<void> {
    const reasons: string[] = [];
    for (const url of cert.ocspUrls) {
      try {
        const answer = await this.askOcsp(url, cert, issuer, now);
        this.putOcsp(cert, issuer, { answer, url }, (answer.nextUpdate ?? new Date(answer.thisUpdate.getTime() + this.options.maxAgeMs)).getTime());
        this.tell('fetched', 'ocsp', url, `${cert.subject}: ${answer.status}`);
        return;
      } catch (error) {
        reasons.push(`OCSP ${url}: ${(error as Error).message}`);
        this.tell('failed', 'ocsp', url, (error as Error).message);
      }
    }
    for (const url of cert.crlUrls) {
      try {
        const crl = await this.fetchCrl(url, issuer, now);
        this.putCrl(cert, url, crl, (crl.nextUpdate ?? new Date(now.getTime() + this.options.maxAgeMs)).getTime());
        this.tell('fetched', 'crl', url, `${issuer.subject}, updated ${crl.thisUpdate.toISOString()}`);
        return;
      } catch (error) {
        reasons.push(`CRL ${url}: ${(error as Error).message}`);
        this.tell('failed', 'crl', url, (error as Error).message);
      }
    }
    this.putFailure(cert, reasons.join('; '), now.getTime() + this.options.retryAfterMs);
  }

  private async askOcsp(url: string, cert: Certificate, issuer: Certificate, now: Date): Promise<OcspAnswer> {
    const nonce = randomBytes(16);
    const request = ocspRequest(cert, issuer, nonce);
    const body = await fetchCapped(url, { method: 'POST', body: new Uint8Array(request), headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' } }, this.options.maxOcspBytes, this.options.timeoutMs);
    const answer = readOcspResponse(body, { cert, issuer, nonce, now, policy: this.options.policy });
    if (answer.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new EdxError('REVOCATION_UNKNOWN', `the answer is dated ${answer.thisUpdate.toISOString()}, in the future`);
    if (answer.nextUpdate && answer.nextUpdate < now) throw new EdxError('REVOCATION_UNKNOWN', `the answer was due for renewal at ${answer.nextUpdate.toISOString()}`);
    if (!answer.nextUpdate && now.getTime() - answer.thisUpdate.getTime() > this.options.maxAgeMs) throw new EdxError('REVOCATION_UNKNOWN', `the answer dates from ${answer.thisUpdate.toISOString()}, too old`);
    return answer;
  }

  private async fetchCrl(url: string, issuer: Certificate, now: Date): Promise<RevocationList> {
    const body = await fetchCapped(url, { method: 'GET' }, this.options.maxCrlBytes, this.options.timeoutMs);
    const crl = RevocationList.from(body.subarray(0, 5).toString('latin1') === '-----' ? body.toString('latin1') : body);
    if (!crl.isIssuedBy(issuer)) throw new EdxError('REVOCATION_UNKNOWN', `the list is not signed by ${issuer.subject} with a key allowed to sign CRLs`);
    if (crl.nextUpdate && crl.nextUpdate < now) throw new EdxError('REVOCATION_UNKNOWN', `the list was due for renewal at ${crl.nextUpdate.toISOString()}`);
    return crl;
  }

  /** Re-reads every CRL bundle source; a source that fails keeps its previous CRLs. */
  private async refreshSources(): Promise<void> {
    for (const url of this.options.crlSources ?? []) {
      try {
        const body = await fetchCapped(url, { method: 'GET' }, this.options.maxCrlBytes, this.options.timeoutMs, this.options.crlSourceClient);
        // An empty bundle is a console with no CRL uploaded yet: none, not an unreadable answer.
        const crls = body.toString('latin1').trim() === '' ? [] : readTrustMaterial(body, url).crls;
        this.putPublished(url, crls);
        this.tell('fetched', 'crl-source', url, `${crls.length} revocation list${crls.length === 1 ? '' : 's'}`);
      } catch (error) {
        this.tell('failed', 'crl-source', url, (error as Error).message);
      }
    }
  }

  private tell(outcome: RevocationEvent['outcome'], kind: RevocationEvent['kind'], url: string, detail: string): void {
    this.options.onEvent?.({ outcome, kind, url, detail });
  }
}


/**
 * Runs a verification, and runs it once more when it left revocation questions for
 * `revocation` to fetch: the second run has the answers (or the failures, for the degraded mode).
 */
export async function withFreshRevocation<T>(revocation: RevocationService | undefined, verify: () => T | Promise<T>): Promise<T> {
  const first = await verify();
  return revocation && (await revocation.settle()) ? verify() : first;
}

/** The revocation service an app runs with its settings, logging every fetch (a failure as a warning). */
export function revocationServiceFor(settings: RevocationSettings, logger: Logger, crlSources: readonly string[] = [], crlSourceClient?: Fetch): RevocationService {
  return new RevocationService({
    timeoutMs: settings.timeoutMs,
    retryAfterMs: settings.retryAfterMs,
    crlSources,
    crlSourceClient,
    sourceRefreshMs: settings.crlRefreshMs,
    onEvent: (event) => (event.outcome === 'failed' ? logger.warn({ revocation: event }, `revocation ${event.kind} ${event.url}: ${event.detail}`) : logger.info({ revocation: event }, `revocation ${event.kind} ${event.url}: ${event.detail}`)),
  });
}
