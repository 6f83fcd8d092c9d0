import { generateKeyPairSync, randomBytes, sign as signBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { EdxError, privateDirectory, writePrivateFile } from '@edx/common';
import { AGENCY_CODE_OID } from '../certs/certificate';
import { csrPublicKey } from '../certs/certificate-request';
import { SigningIdentity, loadIdentity } from '../certs/identity';
import { explicit, implicitConstructed, oid, sequence, tlv } from '../pdf/der';

const DAY = 24 * 3600 * 1000;

export interface IssueRequest {
  /** Agency code, written in the subject UID attribute. */
  readonly code: string;
  /** The organisation's name (kind organisation) or the person's (kind person). */
  readonly name: string;
  readonly kind?: 'organisation' | 'person';
  /** For a person: the organisation they sign for (default: the code). */
  readonly organisation?: string;
  readonly validFrom?: Date;
  readonly validDays?: number;
  /** false: a certificate without signing key usage (for tests of CERT_KEY_USAGE). */
  readonly canSign?: boolean;
  /** Tests of refusals: `none` leaves the KeyUsage extension out (default `signing`; canSign false = `encipherment`). */
  readonly keyUsage?: 'signing' | 'encipherment' | 'none';
  /** The CA that issues it (default: the issuing CA). */
  readonly issuer?: DevCa;
  /** RSA modulus length (default 2048); smaller keys are for tests of the algorithm policy. */
  readonly keyBits?: number;
  /** The digest the issuer signs with (default sha256); md5 and sha1 are for tests of the algorithm policy. */
  readonly digest?: DevDigest;
  /** Hex serial number (default random): tests give a leaf its CA's serial, as real CAs often do. */
  readonly serialNumber?: string;
  /** Where its revocation is published: a CRL distribution point and/or an OCSP responder (http URLs). */
  readonly revocation?: RevocationUrls;
  /** extendedKeyUsage purposes (OIDs), e.g. OCSPSigning for a delegated OCSP responder. */
  readonly extendedKeyUsage?: readonly string[];
}

/** A certificate's pointers to revocation status (cRLDistributionPoints, authorityInfoAccess OCSP). */
export interface RevocationUrls {
  readonly crlUrl?: string;
  readonly ocspUrl?: string;
}

export type DevDigest = 'sha256' | 'sha1' | 'md5';

/** A CA of the dev PKI (the root, the issuing CA, or one made by `issueCa` for a test). */
export interface DevCa {
  readonly keyPem: string;
  readonly certificatePem: string;
  /** The CAs above it, nearest first, up to the root (PEM; empty for the root). */
  readonly chainPem: string;
}

/** A test CA, by default a well-formed one under the issuing CA; each option breaks one rule. */
export interface CaRequest {
  readonly name: string;
  /** Its issuer (default: the issuing CA). */
  readonly under?: DevCa;
  /** basicConstraints pathLenConstraint (default: none). */
  readonly pathLength?: number;
  /** false: basicConstraints cA=false, a certificate that is not a CA. */
  readonly ca?: boolean;
  /** false: KeyUsage without keyCertSign. */
  readonly keyCertSign?: boolean;
  /** false: KeyUsage without cRLSign. */
  readonly cRLSign?: boolean;
  readonly keyBits?: number;
  readonly digest?: DevDigest;
  readonly validFrom?: Date;
  readonly revocation?: RevocationUrls;
}

export interface IssuedIdentity {
  readonly identity: SigningIdentity;
  readonly keyPem: string;
  readonly certificatePem: string;
  /** Intermediate then root: what a receiver needs besides the leaf. */
  readonly chainPem: string;
  readonly serialNumber: string;
  /** The same key and certificate as PKCS#12, protected by `pkcs12Password`. */
  readonly pkcs12: Buffer;
  readonly pkcs12Password: string;
}

interface CaState {
  keyPem: string;
  certificatePem: string;
}

interface PkiState {
  root: CaState;
  intermediate: CaState;
  revoked: Array<{ serial: string; at: string }>;
}

function newKeyPair(bits = 2048): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  // Native key generation: node-forge's pure-JS RSA keygen is tens of times slower.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), keyPem };
}

function serial(): string {
  const bytes = randomBytes(12);
  bytes[0] &= 0x7f; // positive INTEGER
  bytes[0] |= 0x10; // no leading zero, so the hex form is stable
  return bytes.toString('hex');
}

/** A UTF8String attribute value: forge encodes the JS string to UTF-8 itself, so it is passed as is. */
const utf8 = (value: string) => ({ value, valueTagClass: forge.asn1.Type.UTF8 as unknown as number });

/**
 * A development PKI: a root CA, an intermediate CA, agency and person certificates, and a CRL.
 * Tests, the CLI (`edx pki`) and the demo make their certificates with it; never for production.
 */
export class DevPki {
  private constructor(private readonly state: PkiState) {}

  static create(options: { validFrom?: Date; validDays?: number } = {}): DevPki {
    const from = options.validFrom ?? new Date(Date.now() - DAY);
    const days = options.validDays ?? 3650;
    const rootKeys = newKeyPair();
    const rootCert = DevPki.makeCertificate({
      subject: [{ shortName: 'CN', ...utf8('edx Dev Root CA') }, { shortName: 'O', ...utf8('edx development') }, { shortName: 'C', value: 'VN' }],
      publicKey: rootKeys.publicKey,
      issuer: undefined,
      signingKey: rootKeys.privateKey,
      from,
      days,
      ca: true,
    });
    const intermediateKeys = newKeyPair();
    const intermediateCert = DevPki.makeCertificate({
      subject: [{ shortName: 'CN', ...utf8('edx Dev Issuing CA') }, { shortName: 'O', ...utf8('edx development') }, { shortName: 'C', value: 'VN' }],
      publicKey: intermediateKeys.publicKey,
      issuer: rootCert,
      signingKey: rootKeys.privateKey,
      from,
      days,
      ca: true,
    });
    return new DevPki({
      root: { keyPem: rootKeys.keyPem, certificatePem: forge.pki.certificateToPem(rootCert) },
      intermediate: { keyPem: intermediateKeys.keyPem, certificatePem: forge.pki.certificateToPem(intermediateCert) },
      revoked: [],
    });
  }

  static load(dir: string): DevPki {
    try {
      return new DevPki(JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as PkiState);
    } catch (error) {
      throw new EdxError('KEY_INVALID', `No dev PKI in ${dir} (${(error as Error).message}); run \`edx pki init --dir ${dir}\` first.`);
    }
  }

  /** Writes the PKI state (CA keys included: development only) and the public files to `dir`. */
  save(dir: string): void {
    privateDirectory(dir);
    writePrivateFile(path.join(dir, 'state.json'), JSON.stringify(this.state, null, 2));
    writeFileSync(path.join(dir, 'root.pem'), this.rootCertificatePem);
    writeFileSync(path.join(dir, 'intermediate.pem'), this.intermediateCertificatePem);
    writeFileSync(path.join(dir, 'crl.pem'), this.crlPem());
  }

  get rootCertificatePem(): string {
    return this.state.root.certificatePem;
  }

  get intermediateCertificatePem(): string {
    return this.state.intermediate.certificatePem;
  }

  /** The issuing CA (the intermediate), the default issuer of `issue`, `issueCa` and `crlPem`. */
  get issuingCa(): DevCa {
    return { ...this.state.intermediate, chainPem: this.state.root.certificatePem };
  }

  /** Issues a CA certificate for tests: well-formed by default, each option of `request` breaks one rule. */
  issueCa(request: CaRequest): DevCa {
    const under = request.under ?? this.issuingCa;
    const keys = newKeyPair(request.keyBits);
    const cert = DevPki.makeCertificate({
      subject: [{ shortName: 'CN', ...utf8(request.name) }, { shortName: 'O', ...utf8('edx development') }, { shortName: 'C', value: 'VN' }],
      publicKey: keys.publicKey,
      issuer: forge.pki.certificateFromPem(under.certificatePem),
      signingKey: forge.pki.privateKeyFromPem(under.keyPem),
      from: request.validFrom ?? new Date(Date.now() - DAY),
      days: 3650,
      ca: request.ca ?? true,
      pathLength: request.pathLength,
      keyUsage: { keyCertSign: request.keyCertSign ?? true, cRLSign: request.cRLSign ?? true, critical: true },
      digest: request.digest,
      revocation: request.revocation,
    });
    return { keyPem: keys.keyPem, certificatePem: forge.pki.certificateToPem(cert), chainPem: under.certificatePem + under.chainPem };
  }

  /** Issues a signing certificate for an agency (kind organisation, CN = O = name) or a person. */
  issue(request: IssueRequest): IssuedIdentity {
    const keys = newKeyPair(request.keyBits);
    const { cert, ca } = this.leafCertificate(keys.publicKey, request);
    const certificatePem = forge.pki.certificateToPem(cert);
    const chainPem = ca.certificatePem + ca.chainPem;
    // Hex: a password that starts with '-' would read as an option on the command line (`--password -x`).
    const pkcs12Password = randomBytes(9).toString('hex');
    const p12Chain = [...chainPem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => forge.pki.certificateFromPem(m[0]));
    const p12 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(keys.keyPem), [cert, ...p12Chain], pkcs12Password, { algorithm: '3des' });
    return {
      identity: loadIdentity({ pem: { key: keys.keyPem, cert: certificatePem, chain: chainPem } }),
      keyPem: keys.keyPem,
      certificatePem,
      chainPem,
      serialNumber: cert.serialNumber,
      pkcs12: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'),
      pkcs12Password,
    };
  }

  /**
   * Issues an agency or person certificate for the key a CSR proves (`edx gateway key` makes it on the
   * gateway's machine; the private key never comes here). The subject is the request's, never the CSR's.
   */
  issueForRequest(csrPem: string, request: Omit<IssueRequest, 'keyBits'>): { certificatePem: string; chainPem: string; serialNumber: string } {
    const { cert, ca } = this.leafCertificate(csrPublicKey(csrPem), request);
    return { certificatePem: forge.pki.certificateToPem(cert), chainPem: ca.certificatePem + ca.chainPem, serialNumber: cert.serialNumber };
  }

  /** An agency (CN = O = name) or person certificate for `publicKey`, signed by the request's CA. */
  private leafCertificate(publicKey: forge.pki.rsa.PublicKey, request: IssueRequest): { cert: forge.pki.Certificate; ca: DevCa } {
    const kind = request.kind ?? 'organisation';
    const organisation = kind === 'organisation' ? request.name : (request.organisation ?? request.code);
    const ca = request.issuer ?? this.issuingCa;
    const cert = DevPki.makeCertificate({
      subject: [
        { shortName: 'CN', ...utf8(request.name) },
        { shortName: 'O', ...utf8(organisation) },
        { type: AGENCY_CODE_OID, ...utf8(request.code) },
        { shortName: 'C', value: 'VN' },
      ],
      publicKey,
      issuer: forge.pki.certificateFromPem(ca.certificatePem),
      signingKey: forge.pki.privateKeyFromPem(ca.keyPem),
      from: request.validFrom ?? new Date(Date.now() - DAY),
      days: request.validDays ?? 730,
      ca: false,
      keyUsage: LEAF_KEY_USAGE[request.keyUsage ?? (request.canSign === false ? 'encipherment' : 'signing')],
      digest: request.digest,
      serialNumber: request.serialNumber,
      revocation: request.revocation,
      extendedKeyUsage: request.extendedKeyUsage,
    });
    return { cert, ca };
  }

  /** When the certificate with this serial (hex) was revoked here, if it was (the dev OCSP responder's answer). */
  revokedAt(serialHex: string): Date | undefined {
    const serial = serialHex.toLowerCase().replace(/^0+(?=.)/, '');
    const entry = this.state.revoked.find((r) => r.serial.replace(/^0+(?=.)/, '') === serial);
    return entry ? new Date(entry.at) : undefined;
  }

  /** Revokes a certificate by serial (hex) and returns the new CRL. */
  revoke(serialHex: string, at: Date = new Date()): string {
    this.state.revoked.push({ serial: serialHex.toLowerCase(), at: at.toISOString() });
    return this.crlPem();
  }

  /** The current CRL of the issuing CA (or `issuer`), valid for `validDays` from `thisUpdate`. */
  crlPem(options: { thisUpdate?: Date; validDays?: number; issuer?: DevCa; digest?: DevDigest } = {}): string {
    const asn1 = forge.asn1;
    const thisUpdate = options.thisUpdate ?? new Date();
    const nextUpdate = new Date(thisUpdate.getTime() + (options.validDays ?? 7) * DAY);
    const ca = options.issuer ?? this.issuingCa;
    const digest = options.digest ?? 'sha256';
    const issuer = forge.pki.certificateFromPem(ca.certificatePem);
    const algorithm = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(forge.pki.oids[`${digest}WithRSAEncryption`]).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
    ]);
    const entries = this.state.revoked.map((r) =>
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(r.serial.length % 2 ? `0${r.serial}` : r.serial)),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(new Date(r.at))),
      ]),
    );
    const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(1).getBytes()),
      algorithm,
      forge.pki.distinguishedNameToAsn1(issuer.subject),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(thisUpdate)),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(nextUpdate)),
      ...(entries.length > 0 ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, entries)] : []),
    ]);
    const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
    const signature = signBytes(digest, tbsDer, ca.keyPem);
    const crl = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      tbs,
      algorithm,
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature.toString('binary')}`),
    ]);
    const der = Buffer.from(asn1.toDer(crl).getBytes(), 'binary');
    return `-----BEGIN X509 CRL-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END X509 CRL-----\n`;
  }

  private static makeCertificate(input: {
    subject: forge.pki.CertificateField[];
    publicKey: forge.pki.rsa.PublicKey;
    issuer: forge.pki.Certificate | undefined;
    signingKey: forge.pki.rsa.PrivateKey;
    from: Date;
    days: number;
    ca: boolean;
    pathLength?: number;
    /** forge's keyUsage flags; null: no KeyUsage extension. Default: a CA's (keyCertSign, cRLSign). */
    keyUsage?: Record<string, boolean> | null;
    digest?: DevDigest;
    serialNumber?: string;
    revocation?: RevocationUrls;
    extendedKeyUsage?: readonly string[];
  }): forge.pki.Certificate {
    const cert = forge.pki.createCertificate();
    cert.publicKey = input.publicKey;
    cert.serialNumber = input.serialNumber ?? serial();
    cert.validity.notBefore = input.from;
    cert.validity.notAfter = new Date(input.from.getTime() + input.days * DAY);
    cert.setSubject(input.subject);
    cert.setIssuer(input.issuer ? nameOf(input.issuer) : input.subject);
    const keyUsage = input.keyUsage === undefined ? { keyCertSign: true, cRLSign: true, critical: true } : input.keyUsage;
    const extensions: object[] = [
      { name: 'basicConstraints', cA: input.ca, critical: true, ...(input.pathLength === undefined ? {} : { pathLenConstraint: input.pathLength }) },
      ...(keyUsage ? [{ name: 'keyUsage', ...keyUsage }] : []),
      { name: 'subjectKeyIdentifier' },
      ...revocationExtensions(input.revocation),
      ...(input.extendedKeyUsage?.length ? [{ name: 'extKeyUsage', ...Object.fromEntries(input.extendedKeyUsage.map((purpose) => [purpose, true])) }] : []),
    ];
    cert.setExtensions(extensions);
    cert.sign(input.signingKey, forge.md[input.digest ?? 'sha256'].create());
    return cert;
  }
}

const OID_CRL_DISTRIBUTION_POINTS = '2.5.29.31';
const OID_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const OID_ACCESS_OCSP = '1.3.6.1.5.5.7.48.1';

/** cRLDistributionPoints and authorityInfoAccess as forge raw extensions (value: the DER as a binary string). */
function revocationExtensions(urls: RevocationUrls | undefined): object[] {
  const uri = (url: string) => tlv(0x86, Buffer.from(url, 'latin1')); // GeneralName [6] IMPLICIT IA5String
  const raw = (id: string, der: Buffer) => ({ id, critical: false, value: der.toString('binary') });
  return [
    ...(urls?.crlUrl ? [raw(OID_CRL_DISTRIBUTION_POINTS, sequence(sequence(explicit(0, implicitConstructed(0, sequence(uri(urls.crlUrl)))))))] : []),
    ...(urls?.ocspUrl ? [raw(OID_AUTHORITY_INFO_ACCESS, sequence(sequence(oid(OID_ACCESS_OCSP), uri(urls.ocspUrl))))] : []),
  ];
}

const LEAF_KEY_USAGE: Record<NonNullable<IssueRequest['keyUsage']>, Record<string, boolean> | null> = {
  signing: { digitalSignature: true, nonRepudiation: true, critical: true },
  encipherment: { keyEncipherment: true, critical: true },
  none: null,
};

/**
 * A parsed certificate's subject, ready to be written as an issuer name. forge hands UTF8String
 * values back as UTF-8 bytes but encodes them again on writing, so they are decoded first.
 */
function nameOf(cert: forge.pki.Certificate): forge.pki.CertificateField[] {
  return cert.subject.attributes.map((a) =>
    a.valueTagClass === (forge.asn1.Type.UTF8 as unknown as number) && typeof a.value === 'string' ? { ...a, value: forge.util.decodeUtf8(a.value) } : a,
  );
}

export function createDevPki(options?: { validFrom?: Date; validDays?: number }): DevPki {
  return DevPki.create(options);
}
