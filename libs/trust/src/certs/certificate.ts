import { X509Certificate, createHash } from 'node:crypto';
import { EdxError } from '@edx/common';
import { KeyUsage, readCertificateFields } from './certificate-fields';
import { pemBlocks } from './der-pem';

/** OID of the subject attribute that carries the agency code (LDAP `UID`), see README. */
export const AGENCY_CODE_OID = '0.9.2342.19200300.100.1.1';

export type SignerKind = 'organisation' | 'person';

/**
 * A parsed X.509 certificate: Node's native object for the hot path (signature checks, public key)
 * and the fields edx needs, read once from the DER (constraints, key usage bits, subject names by
 * their string type).
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
  readonly commonName?: string;
  readonly organization?: string;
  /** basicConstraints cA: the certificate may be an issuer's. */
  readonly isCa: boolean;
  /** basicConstraints pathLenConstraint: how many CA certificates may follow it down to a leaf. */
  readonly pathLength?: number;
  /** undefined when the certificate has no KeyUsage extension. */
  readonly keyUsage?: KeyUsage;
  /** digitalSignature or nonRepudiation; undefined when the certificate has no KeyUsage extension. */
  readonly canSign?: boolean;
  /** OID of the algorithm its issuer signed it with. */
  readonly signatureAlgorithm: string;
  readonly spkiSha256: string;
  /** Hex of the SubjectKeyIdentifier extension, when present (CMS may name the signer by it). */
  readonly subjectKeyIdentifier?: string;
  /** Where its issuer publishes revocation: CRL distribution points and OCSP responders (http(s) only). */
  readonly crlUrls: readonly string[];
  readonly ocspUrls: readonly string[];

  private constructor(der: Buffer) {
    this.der = der;
    try {
      this.native = new X509Certificate(der);
    } catch (error) {
      throw new EdxError('KEY_INVALID', `The certificate cannot be read: ${(error as Error).message}.`);
    }
    // Bytes after the certificate would give the same certificate another fingerprint.
    if (this.native.raw.length !== der.length) throw new EdxError('KEY_INVALID', `The certificate is followed by ${der.length - this.native.raw.length} bytes that are not part of it.`);
    this.pem = this.native.toString();
    this.fingerprint = createHash('sha256').update(der).digest('hex');
    this.subject = this.native.subject.replace(/\n/g, ', ');
    this.issuer = this.native.issuer.replace(/\n/g, ', ');
    this.serialNumber = this.native.serialNumber.toLowerCase().replace(/^0+(?=.)/, '');
    this.notBefore = new Date(this.native.validFrom);
    this.notAfter = new Date(this.native.validTo);
    this.spkiSha256 = createHash('sha256').update(this.native.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

    const fields = readCertificateFields(der);
    this.agencyCode = fields.subject.get(AGENCY_CODE_OID);
    this.commonName = fields.subject.get(COMMON_NAME_OID);
    this.organization = fields.subject.get(ORGANIZATION_OID);
    this.subjectKeyIdentifier = fields.subjectKeyIdentifier;
    this.isCa = fields.basicConstraints?.ca ?? false;
    this.pathLength = fields.basicConstraints?.pathLength;
    this.keyUsage = fields.keyUsage;
    this.canSign = fields.keyUsage ? fields.keyUsage.digitalSignature || fields.keyUsage.nonRepudiation : undefined;
    this.signatureAlgorithm = fields.signatureAlgorithm;
    this.crlUrls = fields.crlUrls;
    this.ocspUrls = fields.ocspUrls;
    // An organisation certificate names the organisation itself (CN = O); a person's names the person.
    this.kind = this.commonName && this.organization && this.commonName === this.organization ? 'organisation' : 'person';
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

  /** Self-issued and self-signed: a root. */
  get isSelfSigned(): boolean {
    return this.subject === this.issuer && this.isSignedBy(this);
  }
}

const COMMON_NAME_OID = '2.5.4.3';
const ORGANIZATION_OID = '2.5.4.10';

/** The DER of the first certificate in `pem`. Throws KEY_INVALID when there is none or it is damaged. */
export function pemToDer(pem: string): Buffer {
  const block = pemBlocks(pem, 'The PEM text').find((b) => b.label === 'CERTIFICATE');
  if (!block) throw new EdxError('KEY_INVALID', 'Expected a PEM certificate (-----BEGIN CERTIFICATE-----).');
  return block.der;
}

/**
 * Every certificate of a PEM bundle, in order. Blocks of other kinds (a private key kept in the same
 * file) are not certificates and are left out; a damaged or cut certificate block is not: throws
 * KEY_INVALID naming `name` and the block. Trust files go through readTrustMaterial, which refuses
 * anything but certificates and CRLs.
 */
export function certificatesFromPem(pem: string, name = 'The certificate file'): Certificate[] {
  return pemBlocks(pem, name)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => {
      try {
        return Certificate.from(b.der);
      } catch (error) {
        throw new EdxError('KEY_INVALID', `${name}: PEM block ${b.index} (CERTIFICATE) cannot be read: ${(error as Error).message}`);
      }
    });
}
