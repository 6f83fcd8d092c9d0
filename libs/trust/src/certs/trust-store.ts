import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '@edx/common';
import { Certificate, certificatesFromPem } from './certificate';
import { RevocationList } from './crl';

export interface TrustStoreOptions {
  /** `require`: every issuing CA must have a CRL; `if-present`: check the CRL when there is one. */
  readonly crlPolicy: 'require' | 'if-present';
  /** A CRL past its next-update time: `fail` (CRL_STALE) or `warn` (accepted, reported in the message). */
  readonly staleCrl: 'fail' | 'warn';
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

/**
 * Trust anchors (matched by public key, never by name alone), intermediate CAs and CRLs. Chains are
 * built and their signatures checked once per leaf certificate and cached; the time-dependent checks
 * (validity, revocation, CRL freshness) run on every call, they are cheap.
 */
export class TrustStore {
  private readonly anchorKeys: Set<string>;
  private readonly chains = new Map<string, Certificate[] | null>();
  private readonly crlByIssuer = new Map<string, RevocationList | null>();

  constructor(
    readonly anchors: readonly Certificate[],
    readonly intermediates: readonly Certificate[],
    private readonly crls: RevocationList[],
    readonly options: TrustStoreOptions = DEFAULT_TRUST_OPTIONS,
  ) {
    this.anchorKeys = new Set(anchors.map((a) => a.spkiSha256));
  }

  static fromPem(anchorsPem: string[], intermediatesPem: string[] = [], crlsPem: string[] = [], options: TrustStoreOptions = DEFAULT_TRUST_OPTIONS): TrustStore {
    return new TrustStore(
      anchorsPem.flatMap(certificatesFromPem),
      intermediatesPem.flatMap(certificatesFromPem),
      crlsPem.flatMap((pem) => [...pem.matchAll(/-----BEGIN X509 CRL-----[\s\S]*?-----END X509 CRL-----/g)].map((m) => RevocationList.from(m[0]))),
      options,
    );
  }

  /**
   * Reads every .pem/.crt/.cer/.crl file in `dir`: self-signed certificates are anchors, other CA
   * certificates intermediates, CRLs are CRLs.
   */
  static fromDirectory(dir: string, options: TrustStoreOptions = DEFAULT_TRUST_OPTIONS): TrustStore {
    const anchors: Certificate[] = [];
    const intermediates: Certificate[] = [];
    const crls: RevocationList[] = [];
    for (const name of readdirSync(dir)) {
      if (!/\.(pem|crt|cer|crl)$/i.test(name)) continue;
      const text = readFileSync(path.join(dir, name), 'utf8');
      for (const cert of certificatesFromPem(text)) (cert.subject === cert.issuer && cert.isSignedBy(cert) ? anchors : intermediates).push(cert);
      for (const m of text.matchAll(/-----BEGIN X509 CRL-----[\s\S]*?-----END X509 CRL-----/g)) crls.push(RevocationList.from(m[0]));
    }
    return new TrustStore(anchors, intermediates, crls, options);
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
    const chain = this.chainOf(leaf, extra);
    if (!chain) {
      return fail('CERT_UNTRUSTED', `The certificate of ${leaf.subject} does not chain to a trust anchor (issuer: ${leaf.issuer}).`, [], false, false);
    }
    if (leaf.canSign === false) return fail('CERT_KEY_USAGE', `The certificate of ${leaf.subject} may not be used to sign (key usage).`, chain, false, false);

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

  private chainOf(leaf: Certificate, extra: readonly Certificate[]): Certificate[] | null {
    const key = [leaf.fingerprint, ...extra.map((c) => c.fingerprint)].join(':');
    let chain = this.chains.get(key);
    if (chain === undefined) {
      chain = this.buildChain(leaf, extra);
      if (this.chains.size > 10_000) this.chains.clear();
      this.chains.set(key, chain);
    }
    return chain;
  }

  private buildChain(leaf: Certificate, extra: readonly Certificate[]): Certificate[] | null {
    const candidates = [...this.anchors, ...this.intermediates, ...extra];
    const chain = [leaf];
    let current = leaf;
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      if (this.anchorKeys.has(current.spkiSha256)) return chain;
      const issuer =
        candidates.find((c) => this.anchorKeys.has(c.spkiSha256) && c.subject === current.issuer && current.isSignedBy(c)) ??
        candidates.find((c) => c !== current && c.subject === current.issuer && c.isCa && current.isSignedBy(c));
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
