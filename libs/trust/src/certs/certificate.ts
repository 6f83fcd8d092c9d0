import { X509Certificate, createHash } from 'node:crypto';
import forge from 'node-forge';
import { EdxError } from '@edx/common';

/** OID of the subject attribute that carries the agency code (LDAP `UID`), see README. */
export const AGENCY_CODE_OID = '0.9.2342.19200300.100.1.1';

export type SignerKind = 'organisation' | 'person';

/**
 * A parsed X.509 certificate: Node's native object for the hot path (signature checks, public key)
 * and the fields edx needs, read once with node-forge (key usage bits, subject attributes).
 */
export class Certificate {
  readonly native: X509Certificate;
  readonly der: Buffer;
  readonly pem: string;
  readonly fingerprint: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly agencyCode?: string;
  readonly kind: SignerKind;
  readonly isCa: boolean;
  /** undefined when the certificate has no KeyUsage extension. */
  readonly canSign?: boolean;
  readonly spkiSha256: string;
  /** Hex of the SubjectKeyIdentifier extension, when present (CMS may name the signer by it). */
  readonly subjectKeyIdentifier?: string;

  private constructor(der: Buffer) {
    this.der = der;
    try {
      this.native = new X509Certificate(der);
    } catch (error) {
      throw new EdxError('KEY_INVALID', `The certificate cannot be read: ${(error as Error).message}.`);
    }
    this.pem = this.native.toString();
    this.fingerprint = createHash('sha256').update(der).digest('hex');
    this.subject = this.native.subject.replace(/\n/g, ', ');
    this.issuer = this.native.issuer.replace(/\n/g, ', ');
    this.serialNumber = this.native.serialNumber.toLowerCase().replace(/^0+(?=.)/, '');
    this.notBefore = new Date(this.native.validFrom);
    this.notAfter = new Date(this.native.validTo);
    this.isCa = this.native.ca;
    this.spkiSha256 = createHash('sha256').update(this.native.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

    const fields = readForgeFields(der);
    this.agencyCode = fields.agencyCode;
    this.subjectKeyIdentifier = fields.subjectKeyIdentifier;
    this.canSign = fields.canSign;
    // An organisation certificate names the organisation itself (CN = O); a person's names the person.
    this.kind = fields.commonName && fields.organization && fields.commonName === fields.organization ? 'organisation' : 'person';
  }

  private static readonly cache = new Map<string, Certificate>();

  /** Parses (and caches, by content) a certificate in DER or PEM. Throws KEY_INVALID. */
  static from(input: Buffer | string): Certificate {
    const der = typeof input === 'string' ? pemToDer(input) : input;
    const key = createHash('sha256').update(der).digest('hex');
    let cert = Certificate.cache.get(key);
    if (!cert) {
      cert = new Certificate(der);
      if (Certificate.cache.size > 5000) Certificate.cache.clear();
      Certificate.cache.set(key, cert);
    }
    return cert;
  }

  /** True when `issuer`'s key made this certificate's signature. */
  isSignedBy(issuer: Certificate): boolean {
    try {
      return this.native.verify(issuer.native.publicKey);
    } catch {
      return false;
    }
  }

  isValidAt(at: Date): boolean {
    return at >= this.notBefore && at <= this.notAfter;
  }
}

export function pemToDer(pem: string): Buffer {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new EdxError('KEY_INVALID', 'Expected a PEM certificate (-----BEGIN CERTIFICATE-----).');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

/** Splits a PEM bundle into certificates. */
export function certificatesFromPem(pem: string): Certificate[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => Certificate.from(m[0]));
}

function readForgeFields(der: Buffer): { agencyCode?: string; canSign?: boolean; commonName?: string; organization?: string; subjectKeyIdentifier?: string } {
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))));
  } catch {
    // forge reads RSA certificates only; others still verify natively, without these fields.
    return {};
  }
  const field = (type: string) => {
    const value = cert.subject.getField({ type })?.value;
    return typeof value === 'string' ? forge.util.decodeUtf8(value) : undefined;
  };
  const keyUsage = cert.getExtension('keyUsage') as { digitalSignature?: boolean; nonRepudiation?: boolean } | undefined;
  const ski = cert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  return {
    subjectKeyIdentifier: ski?.subjectKeyIdentifier?.toLowerCase(),
    agencyCode: field(AGENCY_CODE_OID),
    canSign: keyUsage ? Boolean(keyUsage.digitalSignature || keyUsage.nonRepudiation) : undefined,
    commonName: field('2.5.4.3'),
    organization: field('2.5.4.10'),
  };
}
