import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import forge from 'node-forge';
import { EdxError, privateDirectory, writePrivateFile } from '@edx/common';
import { csrPublicKey } from '../certs/certificate-request';

const DAY = 24 * 3600 * 1000;

/** What a transport certificate is for: a TLS client (a broker or API user), a TLS server, or both. */
export type TransportPurpose = 'client' | 'server';

export interface TransportRequest {
  /** The identity: for a client, its broker user name (RabbitMQ maps the CN to the user). */
  readonly commonName: string;
  readonly purposes: readonly TransportPurpose[];
  /** Server names (subjectAltName): DNS names and IP addresses, told apart by their form. */
  readonly hosts?: readonly string[];
  readonly validFrom?: Date;
  readonly validDays?: number;
}

export interface IssuedTransportCertificate {
  readonly certificatePem: string;
  readonly serialNumber: string;
  readonly notAfter: Date;
}

export interface TransportKeyPair {
  readonly keyPem: string;
  readonly certificatePem: string;
}

function serial(): string {
  const bytes = randomBytes(12);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x10;
  return bytes.toString('hex');
}

/** A new RSA-2048 key, PKCS#8 PEM (native generation: forge's is tens of times slower). */
export function newTransportKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * The CA of the exchange's transport: the TLS certificates of the broker, the apps' HTTPS servers
 * and every client that connects (the hub, the console, each connected system). It is apart from the
 * document-signing PKI, so a signing certificate never opens a connection and a transport certificate
 * never signs a document. In production its key is the console's (it issues systems' certificates at
 * enrolment); `edx up` makes one for the demo.
 */
export class TransportCa {
  private constructor(
    readonly keyPem: string,
    readonly certificatePem: string,
  ) {}

  static create(options: { name?: string; validFrom?: Date; validDays?: number } = {}): TransportCa {
    const keyPem = newTransportKey();
    const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = serial();
    cert.validity.notBefore = options.validFrom ?? new Date(Date.now() - DAY);
    cert.validity.notAfter = new Date(cert.validity.notBefore.getTime() + (options.validDays ?? 3650) * DAY);
    const subject = [{ shortName: 'CN', value: options.name ?? 'edx Transport CA' }, { shortName: 'O', value: 'edx' }, { shortName: 'C', value: 'VN' }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true, pathLenConstraint: 0 },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(key, forge.md.sha256.create());
    return new TransportCa(keyPem, forge.pki.certificateToPem(cert));
  }

  /** A CA from its key and certificate (PEM); KEY_INVALID when they do not belong together. */
  static fromPem(keyPem: string, certificatePem: string): TransportCa {
    let matches: boolean;
    try {
      matches = new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(keyPem));
    } catch (error) {
      throw new EdxError('KEY_INVALID', `The transport CA's key or certificate cannot be read: ${(error as Error).message}`);
    }
    if (!matches) throw new EdxError('KEY_INVALID', "The transport CA's key does not belong to its certificate.");
    return new TransportCa(keyPem, certificatePem);
  }

  static load(dir: string): TransportCa {
    try {
      return TransportCa.fromPem(readFileSync(path.join(dir, 'ca.key'), 'utf8'), readFileSync(path.join(dir, 'ca.pem'), 'utf8'));
    } catch (error) {
      if (error instanceof EdxError) throw error;
      throw new EdxError('KEY_INVALID', `No transport CA in ${dir} (${(error as Error).message}).`);
    }
  }

  /** Writes `ca.key` (0600) and `ca.pem` to `dir` (0700). */
  save(dir: string): void {
    privateDirectory(dir);
    writePrivateFile(path.join(dir, 'ca.key'), this.keyPem);
    writeFileSync(path.join(dir, 'ca.pem'), this.certificatePem);
  }

  /** Issues a certificate for the key a CSR proves (see `csrPublicKey`), with the identity the CA decides. */
  issueForCsr(csrPem: string, request: TransportRequest): IssuedTransportCertificate {
    return this.issueFor(csrPublicKey(csrPem), request);
  }

  /** A new key and its certificate, for the apps `edx up` starts and for tests. */
  issueKeyPair(request: TransportRequest): TransportKeyPair & IssuedTransportCertificate {
    const keyPem = newTransportKey();
    const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
    return { keyPem, ...this.issueFor(forge.pki.setRsaPublicKey(key.n, key.e), request) };
  }

  private issueFor(publicKey: forge.pki.rsa.PublicKey, request: TransportRequest): IssuedTransportCertificate {
    if (!request.commonName || request.commonName.length > 64) throw new EdxError('REQUEST_INVALID', 'A transport certificate needs a common name of 1-64 characters.');
    const ca = forge.pki.certificateFromPem(this.certificatePem);
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = request.validFrom ?? new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(cert.validity.notBefore.getTime() + (request.validDays ?? 365) * DAY);
    cert.setSubject([{ shortName: 'CN', value: request.commonName }, { shortName: 'O', value: 'edx' }]);
    cert.setIssuer(ca.subject.attributes);
    const hosts = request.hosts ?? [];
    cert.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: request.purposes.includes('server'), clientAuth: request.purposes.includes('client') },
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
      ...(hosts.length > 0 ? [{ name: 'subjectAltName', altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })) }] : []),
    ]);
    cert.sign(forge.pki.privateKeyFromPem(this.keyPem), forge.md.sha256.create());
    return { certificatePem: forge.pki.certificateToPem(cert), serialNumber: cert.serialNumber, notAfter: cert.validity.notAfter };
  }
}
