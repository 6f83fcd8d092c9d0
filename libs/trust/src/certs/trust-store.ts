import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { EdxError, ErrorCode } from '@edx/common';
import { AlgorithmPolicy, DEFAULT_ALGORITHM_POLICY } from './algorithm-policy';
import { Certificate } from './certificate';
import { ChainProblem, chainProblem } from './chain-rules';
import { RevocationList } from './crl';
import { NamedTrustInput, readTrustMaterial } from './trust-material';

export interface TrustStoreOptions {
  /** `require`: every issuing CA must have a CRL; `if-present`: check the CRL when there is one. */
  readonly crlPolicy: 'require' | 'if-present';
  /** A CRL past its next-update time: `fail` (CRL_STALE) or `warn` (accepted, reported in the message). */
  readonly staleCrl: 'fail' | 'warn';
  /** Which signature algorithms and keys are accepted (default DEFAULT_ALGORITHM_POLICY). */
  readonly algorithms?: AlgorithmPolicy;
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
    let staleNote = '';
    for (let i = 0; i < chain.length - 1; i++) {
      const cert = chain[i];
      const issuer = chain[i + 1];
      const crl = this.latestCrlOf(issuer);
      if (!crl) {
        if (this.options.crlPolicy === 'require') return fail('CRL_MISSING', `No revocation list from ${issuer.subject} is loaded; cannot tell whether ${cert.subject} is revoked.`, chain, false, validNow);
        continue;
      }
      const weak = crl.algorithmRefusal(issuer, this.algorithmPolicy);
      if (weak) return fail('SIGNATURE_ALGORITHM_WEAK', weak, chain, false, validNow);
      if (crl.nextUpdate && crl.nextUpdate < now) {
        const message = `The revocation list of ${issuer.subject} was due for renewal at ${crl.nextUpdate.toISOString()}; load a current one.`;
        if (this.options.staleCrl === 'fail') return fail('CRL_STALE', message, chain, false, validNow);
        staleNote = ` (warning: ${message})`;
      }
      const revokedAt = crl.revokedAt(cert.serialNumber);
      if (revokedAt && revokedAt <= at) return fail('CERT_REVOKED', `The certificate of ${cert.subject} was revoked on ${revokedAt.toISOString()}.`, chain, false, false);
      if (revokedAt) return { ok: true, message: `Valid at signing time; the certificate was revoked later, on ${revokedAt.toISOString()}.${staleNote}`, chain, validAtSigningTime: true, validNow: false };
    }
    return { ok: true, message: `Trusted: ${chain.map((c) => c.subject).join(' <- ')}${staleNote}`, chain, validAtSigningTime: true, validNow };
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

  private latestCrlOf(issuer: Certificate): RevocationList | undefined {
    if (!this.crlByIssuer.has(issuer.fingerprint)) {
      let latest: RevocationList | null = null;
      for (const crl of this.crls) {
        if ((!latest || crl.thisUpdate > latest.thisUpdate) && crl.isIssuedBy(issuer)) latest = crl;
      }
      this.crlByIssuer.set(issuer.fingerprint, latest);
    }
    return this.crlByIssuer.get(issuer.fingerprint) ?? undefined;
  }
}

function fail(code: ErrorCode, message: string, chain: readonly Certificate[], validAtSigningTime: boolean, validNow: boolean): CertificateCheck {
  return { ok: false, code, message, chain, validAtSigningTime, validNow };
}
