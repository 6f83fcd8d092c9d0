import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { EdxError, ErrorCode } from '@edx/common';
import { AlgorithmPolicy, DEFAULT_ALGORITHM_POLICY } from './algorithm-policy';
import { Certificate } from './certificate';
import { ChainProblem, chainProblem } from './chain-rules';
import { RevocationList } from './crl';
import { NamedTrustInput, readTrustMaterial } from './trust-material';
import type { RevocationAnswer, RevocationSource, SourcedCrl } from '../revocation/revocation-source';

export interface TrustStoreOptions {
  /** `require`: every issuing CA must have a CRL; `if-present`: check the CRL when there is one. */
  readonly crlPolicy: 'require' | 'if-present';
  /** A CRL past its next-update time: `fail` (CRL_STALE) or `warn` (accepted, reported in the message). */
  readonly staleCrl: 'fail' | 'warn';
  /** Which signature algorithms and keys are accepted (default DEFAULT_ALGORITHM_POLICY). */
  readonly algorithms?: AlgorithmPolicy;
  /** Online evidence (OCSP, CRLs from distribution points and the console); without it only loaded CRLs count. */
  readonly revocation?: RevocationSource;
  /**
   * A certificate that names where its status is published, when that status cannot be had:
   * `refuse` (REVOCATION_UNKNOWN, the default) or `warn` (accepted, the warning kept with the verdict).
   */
  readonly unknownRevocation?: 'refuse' | 'warn';
}

export const DEFAULT_TRUST_OPTIONS: TrustStoreOptions = { crlPolicy: 'if-present', staleCrl: 'fail' };

export interface CertificateCheck {
  readonly ok: boolean;
  readonly code?: ErrorCode;
  readonly message: string;
  /** Leaf first, anchor last (empty when no chain was found). */
  readonly chain: readonly Certificate[];
  readonly validAtSigningTime: boolean;
  readonly validNow: boolean;
  /** What was learnt about each certificate's revocation, leaf first (empty when the check stopped before). */
  readonly revocation: readonly RevocationAnswer[];
}

/** A trust store as plain data (DER and options, no online source): what crosses to a verification worker. */
export interface PortableTrust {
  readonly anchors: readonly Buffer[];
  readonly intermediates: readonly Buffer[];
  readonly crls: readonly Buffer[];
  readonly options: Omit<TrustStoreOptions, 'revocation'>;
}

const MAX_CHAIN = 8;

/** What trust files are called: PEM or DER, certificates or CRLs. */
const TRUST_FILE = /\.(pem|crt|cer|der|crl)$/i;

interface BuiltChain {
  readonly chain: Certificate[];
  readonly problem?: ChainProblem;
}

/**
 * Trust anchors (matched by public key, never by name alone), intermediate CAs and CRLs. Chains are
 * built and their signatures checked once per leaf certificate and cached; the time-dependent checks
 * (validity, revocation, CRL freshness) run on every call, they are cheap.
 */
export class TrustStore {
  private readonly anchorKeys: Set<string>;
  private readonly chains = new Map<string, BuiltChain | null>();
  private readonly crlByIssuer = new Map<string, RevocationList | null>();

  constructor(
    readonly anchors: readonly Certificate[],
    readonly intermediates: readonly Certificate[],
    private readonly crls: RevocationList[],
    readonly options: TrustStoreOptions = DEFAULT_TRUST_OPTIONS,
  ) {
    this.anchorKeys = new Set(anchors.map((a) => a.spkiSha256));
  }

  /**
   * A store from texts or bytes (PEM or DER, see readTrustMaterial), named "anchor 1", "intermediate 2"…
   * in errors. Throws KEY_INVALID for anything that cannot be read.
   */
  static fromPem(anchors: Array<string | Buffer>, intermediates: Array<string | Buffer> = [], crls: Array<string | Buffer> = [], options: TrustStoreOptions = DEFAULT_TRUST_OPTIONS): TrustStore {
    const named = (kind: string, items: Array<string | Buffer>) => items.map((bytes, i) => ({ name: `${kind} ${i + 1}`, bytes }));
    return TrustStore.fromMaterial({ anchors: named('anchor', anchors), intermediates: named('intermediate', intermediates), crls: named('CRL', crls) }, options);
  }

  /**
   * A store from named sources (files, rows). Certificates are anchors or intermediates as listed;
   * CRLs count wherever they are; a certificate among the CRLs is a mistake. Throws KEY_INVALID
   * naming the source that cannot be read.
   */
  static fromMaterial(
    sources: { readonly anchors?: readonly NamedTrustInput[]; readonly intermediates?: readonly NamedTrustInput[]; readonly crls?: readonly NamedTrustInput[] },
    options: TrustStoreOptions = DEFAULT_TRUST_OPTIONS,
  ): TrustStore {
    const anchors: Certificate[] = [];
    const intermediates: Certificate[] = [];
    const crls: RevocationList[] = [];
    const read = (items: readonly NamedTrustInput[] | undefined, certificatesTo?: Certificate[]) => {
      for (const item of items ?? []) {
        const material = readTrustMaterial(item.bytes, item.name);
        if (!certificatesTo && material.certificates.length > 0) throw new EdxError('KEY_INVALID', `${item.name} holds a certificate where a revocation list (CRL) was expected.`);
        certificatesTo?.push(...material.certificates);
        crls.push(...material.crls);
      }
    };
    read(sources.anchors, anchors);
    read(sources.intermediates, intermediates);
    read(sources.crls);
    return new TrustStore(anchors, intermediates, crls, options);
  }

  /**
   * Reads every .pem/.crt/.cer/.der/.crl file in `dir` (PEM or DER, see readTrustMaterial):
   * self-signed certificates are anchors, others intermediates, CRLs are CRLs. Other files are not
   * trust material and are not read. Throws KEY_INVALID naming a trust file that cannot be read.
   */
  static fromDirectory(dir: string, options: TrustStoreOptions = DEFAULT_TRUST_OPTIONS): TrustStore {
    const anchors: Certificate[] = [];
    const intermediates: Certificate[] = [];
    const crls: RevocationList[] = [];
    const files = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && TRUST_FILE.test(e.name)).map((e) => e.name).sort();
    for (const name of files) {
      const file = path.join(dir, name);
      const material = readTrustMaterial(readFileSync(file), file);
      for (const cert of material.certificates) (cert.isSelfSigned ? anchors : intermediates).push(cert);
      crls.push(...material.crls);
    }
    return new TrustStore(anchors, intermediates, crls, options);
  }

  /** The same trust as plain data, for a worker thread (its online revocation source is given there). */
  portable(): PortableTrust {
    const { crlPolicy, staleCrl, algorithms, unknownRevocation } = this.options;
    const options = { crlPolicy, staleCrl, algorithms, unknownRevocation };
    return { anchors: this.anchors.map((c) => c.der), intermediates: this.intermediates.map((c) => c.der), crls: this.crls.map((c) => c.der), options };
  }

  static fromPortable(trust: PortableTrust, revocation?: RevocationSource): TrustStore {
    const certificates = (ders: readonly Buffer[]) => ders.map((der) => Certificate.from(Buffer.from(der)));
    return new TrustStore(certificates(trust.anchors), certificates(trust.intermediates), trust.crls.map((der) => RevocationList.from(Buffer.from(der))), { ...trust.options, revocation });
  }

  get algorithmPolicy(): AlgorithmPolicy {
    return this.options.algorithms ?? DEFAULT_ALGORITHM_POLICY;
  }

  /** Adds a newer CRL; it replaces older ones from the same issuer when it is checked. */
  addCrl(input: Buffer | string): void {
    this.crls.push(RevocationList.from(input));
    this.crlByIssuer.clear();
  }

  /**
   * Checks a signer certificate at the signing time `at` and reports validity now. `extra` are
   * certificates that travelled with the signature (only to find intermediates; never trusted as anchors).
   */
  check(leaf: Certificate, extra: readonly Certificate[], at: Date, now: Date = new Date()): CertificateCheck {
    const built = this.chainOf(leaf, extra);
    if (!built) {
      return fail('CERT_UNTRUSTED', `The certificate of ${leaf.subject} does not chain to a trust anchor (issuer: ${leaf.issuer}).`, [], false, false);
    }
    const { chain, problem } = built;
    if (problem) return fail(problem.code, problem.message, chain, false, false);

    const validNow = chain.every((c) => c.isValidAt(now));
    for (const c of chain) {
      if (at < c.notBefore) return fail('CERT_NOT_YET_VALID', `The certificate of ${c.subject} was not yet valid at ${at.toISOString()} (valid from ${c.notBefore.toISOString()}).`, chain, false, validNow);
      if (at > c.notAfter) return fail('CERT_EXPIRED', `The certificate of ${c.subject} had expired at ${at.toISOString()} (valid until ${c.notAfter.toISOString()}).`, chain, false, validNow);
    }
    const answers: RevocationAnswer[] = [];
    let revokedLater: Date | undefined;
    for (let i = 0; i < chain.length - 1; i++) {
      const judged = this.revocationOf(chain[i], chain[i + 1], now);
      if ('code' in judged) return { ...fail(judged.code, judged.message, chain, false, validNow), revocation: [...answers, ...(judged.answer ? [judged.answer] : [])] };
      answers.push(judged.answer);
      const revokedAt = judged.answer.revokedAt ? new Date(judged.answer.revokedAt) : undefined;
      if (revokedAt && revokedAt <= at) {
        return { ...fail('CERT_REVOKED', `The certificate of ${chain[i].subject} was revoked on ${revokedAt.toISOString()}.`, chain, false, false), revocation: answers };
      }
      if (revokedAt && (!revokedLater || revokedAt < revokedLater)) revokedLater = revokedAt;
    }
    const warnings = answers.flatMap((a) => (a.warning ? [` (warning: ${a.warning})`] : [])).join('');
    if (revokedLater) {
      return { ok: true, message: `Valid at signing time; the certificate was revoked later, on ${revokedLater.toISOString()}.${warnings}`, chain, validAtSigningTime: true, validNow: false, revocation: answers };
    }
    return { ok: true, message: `Trusted: ${chain.map((c) => c.subject).join(' <- ')}${warnings}`, chain, validAtSigningTime: true, validNow, revocation: answers };
  }

  /**
   * The revocation status of `cert` from `issuer`: a current OCSP answer, else the latest current CRL
   * of that issuer (loaded or fetched). When neither exists but the certificate says where its status
   * is published, the miss is noted for the caller to fetch, and after a failed fetch the degraded
   * mode decides. A certificate that names no such place falls back to the loaded-CRL rules.
   */
  private revocationOf(cert: Certificate, issuer: Certificate, now: Date): { answer: RevocationAnswer } | { code: ErrorCode; message: string; answer?: RevocationAnswer } {
    const about = { certificate: cert.subject, serialNumber: cert.serialNumber };
    const source = this.options.revocation;
    const ocsp = source?.ocspFor(cert, issuer, now);
    if (ocsp) {
      const { answer, url } = ocsp;
      const record: RevocationAnswer = {
        ...about, source: 'ocsp', url, status: answer.status, revokedAt: answer.revokedAt?.toISOString(),
        thisUpdate: answer.thisUpdate.toISOString(), nextUpdate: answer.nextUpdate?.toISOString(), signedBy: answer.responder,
      };
      if (answer.status !== 'unknown') return { answer: record };
      // The responder does not know the certificate: as good as no answer, the degraded mode decides.
      return this.unknown(cert, `the OCSP responder at ${url} does not know the certificate of ${cert.subject}`, record);
    }
    const sourced = this.latestCrlOf(issuer, source?.crlsFor(cert) ?? []);
    const fresh = sourced && (!sourced.crl.nextUpdate || sourced.crl.nextUpdate >= now);
    if (sourced) {
      const weak = sourced.crl.algorithmRefusal(issuer, this.algorithmPolicy);
      if (weak) return { code: 'SIGNATURE_ALGORITHM_WEAK', message: weak };
    }
    const fromCrl = (warning?: string): RevocationAnswer => {
      const { crl, url } = sourced!;
      const revokedAt = crl.revokedAt(cert.serialNumber);
      return {
        ...about, source: 'crl', url, status: revokedAt ? 'revoked' : 'good', revokedAt: revokedAt?.toISOString(),
        thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate?.toISOString(), signedBy: issuer.subject, warning,
      };
    };
    if (fresh) return { answer: fromCrl() };
    if (source && (cert.ocspUrls.length > 0 || cert.crlUrls.length > 0)) {
      const failure = source.failureFor(cert, now);
      if (!failure) {
        source.noteMiss(cert, issuer);
        return { code: 'REVOCATION_UNKNOWN', message: `The revocation status of ${cert.subject} has not been fetched yet.` };
      }
      return this.unknown(cert, failure, { ...about, source: cert.ocspUrls.length > 0 ? 'ocsp' : 'crl', url: cert.ocspUrls[0] ?? cert.crlUrls[0], status: 'unknown' });
    }
    if (sourced) {
      const message = `The revocation list of ${issuer.subject} was due for renewal at ${sourced.crl.nextUpdate!.toISOString()}; load a current one.`;
      if (this.options.staleCrl === 'fail') return { code: 'CRL_STALE', message };
      return { answer: fromCrl(message) };
    }
    if (this.options.crlPolicy === 'require') return { code: 'CRL_MISSING', message: `No revocation list from ${issuer.subject} is loaded; cannot tell whether ${cert.subject} is revoked.` };
    return { answer: { ...about, source: 'none', status: 'unknown' } };
  }

  /** No current status for a certificate that has one published: refused, or accepted with the warning kept, by setting. */
  private unknown(cert: Certificate, why: string, record: RevocationAnswer): { answer: RevocationAnswer } | { code: ErrorCode; message: string; answer: RevocationAnswer } {
    const message = `The revocation status of ${cert.subject} is unknown: ${why.replace(/\.$/, '')}.`;
    if ((this.options.unknownRevocation ?? 'refuse') === 'refuse') return { code: 'REVOCATION_UNKNOWN', message, answer: record };
    return { answer: { ...record, warning: `${message} Accepted by the setting for unknown revocation status.` } };
  }

  private chainOf(leaf: Certificate, extra: readonly Certificate[]): BuiltChain | null {
    const key = [leaf.fingerprint, ...extra.map((c) => c.fingerprint)].join(':');
    let built = this.chains.get(key);
    if (built === undefined) {
      const chain = this.buildChain(leaf, extra);
      built = chain && { chain, problem: chainProblem(chain, this.algorithmPolicy) };
      if (this.chains.size > 10_000) this.chains.clear();
      this.chains.set(key, built);
    }
    return built;
  }

  /**
   * Finds the path by names and signatures. Among the certificates that signed `current`, an anchor
   * comes first, then a CA allowed to issue; one that is not is still taken when it is the only
   * signer, so that chainProblem can say which rule it breaks instead of "no chain".
   */
  private buildChain(leaf: Certificate, extra: readonly Certificate[]): Certificate[] | null {
    const candidates = [...this.anchors, ...this.intermediates, ...extra];
    const chain = [leaf];
    let current = leaf;
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      if (this.anchorKeys.has(current.spkiSha256)) return chain;
      const signers = candidates.filter((c) => c !== current && !chain.includes(c) && c.subject === current.issuer && current.isSignedBy(c));
      const issuer =
        signers.find((c) => this.anchorKeys.has(c.spkiSha256)) ?? signers.find((c) => c.isCa && c.keyUsage?.keyCertSign) ?? signers[0];
      if (!issuer) return null;
      chain.push(issuer);
      current = issuer;
    }
    return null;
  }

  /** The latest CRL `issuer` signed (and may sign), among the loaded ones and `fetched`. */
  private latestCrlOf(issuer: Certificate, fetched: readonly SourcedCrl[]): SourcedCrl | undefined {
    if (!this.crlByIssuer.has(issuer.fingerprint)) {
      let latest: RevocationList | null = null;
      for (const crl of this.crls) {
        if ((!latest || crl.thisUpdate > latest.thisUpdate) && crl.isIssuedBy(issuer)) latest = crl;
      }
      this.crlByIssuer.set(issuer.fingerprint, latest);
    }
    const loaded = this.crlByIssuer.get(issuer.fingerprint);
    let best: SourcedCrl | undefined = loaded ? { crl: loaded } : undefined;
    for (const candidate of fetched) {
      if ((!best || candidate.crl.thisUpdate > best.crl.thisUpdate) && candidate.crl.isIssuedBy(issuer)) best = candidate;
    }
    return best;
  }
}

function fail(code: ErrorCode, message: string, chain: readonly Certificate[], validAtSigningTime: boolean, validNow: boolean): CertificateCheck {
  return { ok: false, code, message, chain, validAtSigningTime, validNow, revocation: [] };
}
