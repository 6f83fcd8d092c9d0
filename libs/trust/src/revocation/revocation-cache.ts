import { Certificate } from '../certs/certificate';
import { RevocationList } from '../certs/crl';
import { OcspAnswer } from './ocsp';
import { RevocationSource, SourcedCrl } from './revocation-source';

const MAX_ENTRIES = 10_000;

interface Expiring<T> {
  readonly value: T;
  readonly until: number;
}

/** The cache as plain data: what a verification worker is given to answer from (see VerificationPool). */
export interface RevocationSnapshot {
  readonly version: number;
  readonly crls: ReadonlyArray<{ url: string; der: Buffer; until: number }>;
  readonly published: ReadonlyArray<{ url: string; ders: Buffer[] }>;
  readonly ocsp: ReadonlyArray<{ key: string; url: string; answer: OcspAnswer; until: number }>;
  readonly failures: ReadonlyArray<{ fingerprint: string; reason: string; until: number }>;
}

/** A certificate the store could not answer for, as DER (it crosses threads). */
export interface RevocationMiss {
  readonly cert: Buffer;
  readonly issuer: Buffer;
}

/**
 * What is known about revocation, answering the trust store synchronously: OCSP answers per
 * certificate, CRLs per distribution point and per publishing source, recent failures, each until it
 * expires; and the misses the store noted. The RevocationService fills it; a verification worker holds
 * a copy made from its snapshot, and hands its misses back.
 */
export class RevocationCache implements RevocationSource {
  private readonly crlByUrl = new Map<string, Expiring<RevocationList>>();
  private readonly ocspByCertificate = new Map<string, Expiring<{ answer: OcspAnswer; url: string }>>();
  private readonly failures = new Map<string, Expiring<string>>();
  private readonly misses = new Map<string, { cert: Certificate; issuer: Certificate }>();
  private published = new Map<string, RevocationList[]>();
  /** Grows with every change, so a copy is refreshed only when it is out of date. */
  private changes = 0;

  static fromSnapshot(snapshot: RevocationSnapshot): RevocationCache {
    const cache = new RevocationCache();
    for (const c of snapshot.crls) cache.crlByUrl.set(c.url, { value: RevocationList.from(Buffer.from(c.der)), until: c.until });
    for (const p of snapshot.published) cache.published.set(p.url, p.ders.map((der) => RevocationList.from(Buffer.from(der))));
    for (const o of snapshot.ocsp) cache.ocspByCertificate.set(o.key, { value: { answer: o.answer, url: o.url }, until: o.until });
    for (const f of snapshot.failures) cache.failures.set(f.fingerprint, { value: f.reason, until: f.until });
    cache.changes = snapshot.version;
    return cache;
  }

  get version(): number {
    return this.changes;
  }

  snapshot(): RevocationSnapshot {
    return {
      version: this.changes,
      crls: [...this.crlByUrl].map(([url, e]) => ({ url, der: e.value.der, until: e.until })),
      published: [...this.published].map(([url, crls]) => ({ url, ders: crls.map((c) => c.der) })),
      ocsp: [...this.ocspByCertificate].map(([key, e]) => ({ key, url: e.value.url, answer: e.value.answer, until: e.until })),
      failures: [...this.failures].map(([fingerprint, e]) => ({ fingerprint, reason: e.value, until: e.until })),
    };
  }

  crlsFor(cert: Certificate): readonly SourcedCrl[] {
    const fetched = cert.crlUrls.flatMap((url) => {
      const entry = this.crlByUrl.get(url);
      return entry ? [{ crl: entry.value, url }] : [];
    });
    return [...fetched, ...[...this.published].flatMap(([url, crls]) => crls.map((crl) => ({ crl, url })))];
  }

  ocspFor(cert: Certificate, issuer: Certificate, now: Date): { answer: OcspAnswer; url: string } | undefined {
    const entry = this.ocspByCertificate.get(keyOf(cert, issuer));
    return entry && now.getTime() <= entry.until ? entry.value : undefined;
  }

  failureFor(cert: Certificate, now: Date): string | undefined {
    const entry = this.failures.get(cert.fingerprint);
    return entry && now.getTime() < entry.until ? entry.value : undefined;
  }

  noteMiss(cert: Certificate, issuer: Certificate): void {
    this.misses.set(keyOf(cert, issuer), { cert, issuer });
  }

  /** The misses noted so far, emptied. */
  takeMisses(): Array<[string, { cert: Certificate; issuer: Certificate }]> {
    const pending = [...this.misses.entries()];
    this.misses.clear();
    return pending;
  }

  /** The misses as DER, emptied: what a worker hands back to the thread that can fetch. */
  takePortableMisses(): RevocationMiss[] {
    return this.takeMisses().map(([, m]) => ({ cert: m.cert.der, issuer: m.issuer.der }));
  }

  protected putOcsp(cert: Certificate, issuer: Certificate, value: { answer: OcspAnswer; url: string }, until: number): void {
    bounded(this.ocspByCertificate).set(keyOf(cert, issuer), { value, until });
    this.failures.delete(cert.fingerprint);
    this.changes++;
  }

  protected putCrl(cert: Certificate, url: string, crl: RevocationList, until: number): void {
    bounded(this.crlByUrl).set(url, { value: crl, until });
    this.failures.delete(cert.fingerprint);
    this.changes++;
  }

  protected putFailure(cert: Certificate, reason: string, until: number): void {
    bounded(this.failures).set(cert.fingerprint, { value: reason, until });
    this.changes++;
  }

  protected putPublished(url: string, crls: RevocationList[]): void {
    this.published.set(url, crls);
    this.changes++;
  }
}

const keyOf = (cert: Certificate, issuer: Certificate) => `${issuer.spkiSha256}:${cert.serialNumber}`;

/** The map, emptied first when it has grown past MAX_ENTRIES (certificates seen are few; this bounds a flood). */
function bounded<K, V>(map: Map<K, V>): Map<K, V> {
  if (map.size >= MAX_ENTRIES) map.clear();
  return map;
}
