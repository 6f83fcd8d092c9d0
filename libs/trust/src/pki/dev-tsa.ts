import { KeyObject, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { Certificate } from '../certs/certificate';
import { signingCertificateAttribute, writeSignedData } from '../pdf/cms-writer';
import { algorithmIdentifier, generalizedTime, integer, octetString, oid, sequence } from '../pdf/der';
import { DIGEST_OID, DigestName, OID } from '../pdf/oids';
import type { DevPki } from './dev-pki';

const DAY = 24 * 3600 * 1000;
/** The dev TSA's policy, under the ITU-T example arc 2.999: a development TSA has no real policy. */
const DEV_TSA_POLICY = '2.999.3161.1';

/** Anything that makes RFC 3161 time-stamp tokens: the dev TSA in tests, a real TSA's client elsewhere. */
export interface TimeStamper {
  /** A TimeStampToken (DER ContentInfo) over `imprint`, the `digest` hash of what is stamped. */
  stamp(imprint: Buffer, digest: DigestName): Buffer;
}

/** A certificate and key that sign tokens; any certificate works, so tests can also use one that is not a TSA's. */
export interface TsaKeyMaterial {
  readonly keyPem: string;
  readonly certificatePem: string;
}

/**
 * A development time-stamping authority (RFC 3161): signs TSTInfo structures as CMS SignedData with
 * its own certificate, at its clock's time. Tests, the demo and the CLI only; never for production.
 */
export class DevTsa implements TimeStamper {
  readonly certificate: Certificate;
  private readonly key: KeyObject;

  private constructor(readonly material: TsaKeyMaterial, private readonly clock: () => Date) {
    this.certificate = Certificate.from(material.certificatePem);
    this.key = createPrivateKey(material.keyPem);
  }

  /** Issues a TSA certificate from the dev PKI's issuing CA (extendedKeyUsage timeStamping, critical unless told). */
  static issue(pki: DevPki, options: { name?: string; validFrom?: Date; validDays?: number; critical?: boolean } = {}): DevTsa {
    return new DevTsa(issueTsaCertificate(pki, options), () => new Date());
  }

  /** A TSA signing with the given key and certificate (tests: a certificate that is no TSA's). */
  static using(material: TsaKeyMaterial): DevTsa {
    return new DevTsa(material, () => new Date());
  }

  get certificatePem(): string {
    return this.material.certificatePem;
  }

  /** The same TSA with its clock stopped at `genTime` (tests: a token made in the past). */
  at(genTime: Date): DevTsa {
    return new DevTsa(this.material, () => genTime);
  }

  stamp(imprint: Buffer, digest: DigestName): Buffer {
    const tstInfo = sequence(
      integer(1),
      oid(DEV_TSA_POLICY),
      sequence(algorithmIdentifier(DIGEST_OID[digest]), octetString(imprint)),
      integer(randomBytes(12)),
      generalizedTime(this.clock()),
    );
    return writeSignedData({
      signer: { privateKey: this.key, certificate: this.certificate, digest: 'sha256' },
      content: { type: OID.tstInfo, bytes: tstInfo },
      signedAttributes: [signingCertificateAttribute(this.certificate)],
      certificates: [this.certificate],
    });
  }
}

export function createDevTsa(pki: DevPki, options?: Parameters<typeof DevTsa.issue>[1]): DevTsa {
  return DevTsa.issue(pki, options);
}

function issueTsaCertificate(pki: DevPki, options: { name?: string; validFrom?: Date; validDays?: number; critical?: boolean }): TsaKeyMaterial {
  const ca = pki.issuingCa;
  const issuer = forge.pki.certificateFromPem(ca.certificatePem);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  const serial = randomBytes(12);
  serial[0] = (serial[0] & 0x7f) | 0x10; // positive, no leading zero
  cert.serialNumber = serial.toString('hex');
  const from = options.validFrom ?? new Date(Date.now() - DAY);
  cert.validity.notBefore = from;
  cert.validity.notAfter = new Date(from.getTime() + (options.validDays ?? 730) * DAY);
  cert.setSubject([
    { shortName: 'CN', value: options.name ?? 'edx Dev Time-Stamping Authority' },
    { shortName: 'O', value: 'edx development' },
    { shortName: 'C', value: 'VN' },
  ]);
  cert.setIssuer(issuer.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    // RFC 3161 2.3: exactly the timeStamping purpose, and the extension critical.
    { name: 'extKeyUsage', timeStamping: true, critical: options.critical ?? true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { keyPem, certificatePem: forge.pki.certificateToPem(cert) };
}
