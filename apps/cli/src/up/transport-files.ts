import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { privateDirectory, writePrivateFile } from '@edx/common';
import { TransportCa, encryptPrivateKey } from '@edx/trust';

/**
 * The dev transport PKI under `DIR/pki/transport/`, apart from the document-signing PKI: the CA
 * (`ca.pem`, `ca.key`) and each app's HTTPS key and certificate in a folder of its own
 * (`console/`, `hub/`, `gateway-<system id>/`).
 */
export const transportDir = (dir: string) => path.join(dir, 'pki', 'transport');
export const transportCaFile = (dir: string) => path.join(transportDir(dir), 'ca.pem');
export const serverFiles = (dir: string, app: string) => ({ key: path.join(transportDir(dir), app, 'key.pem'), cert: path.join(transportDir(dir), app, 'cert.pem') });
/** The names the dev server certificates carry: the apps listen on 127.0.0.1 (EDX_HOST). */
export const DEV_HOSTS = ['127.0.0.1', 'localhost'];

export interface ServerFiles {
  readonly key: string;
  readonly cert: string;
}

/** The settings that give an app its HTTPS key and certificate. */
export const httpsEnv = (files: ServerFiles): Record<string, string> => ({ EDX_HTTPS_CERT_FILE: files.cert, EDX_HTTPS_KEY_FILE: files.key });

/** Issues `app`'s HTTPS certificate for DEV_HOSTS and writes it with its key (0600; encrypted PKCS#8 when a passphrase is given). */
export function writeServerCertificate(ca: TransportCa, dir: string, app: string, passphrase?: string): ServerFiles {
  const files = serverFiles(dir, app);
  const issued = ca.issueKeyPair({ commonName: app, purposes: ['server'], hosts: DEV_HOSTS });
  privateDirectory(path.dirname(files.key));
  writePrivateFile(files.key, passphrase ? encryptPrivateKey(issued.keyPem, passphrase) : issued.keyPem);
  writeFileSync(files.cert, issued.certificatePem);
  return files;
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/**
 * What is wrong with `app`'s HTTPS files in `dir` against the transport CA (none: a client trusting
 * the CA will accept the app): readable, the key the certificate's, issued by the CA, current, for
 * TLS servers and naming 127.0.0.1.
 */
export function serverCertificateProblems(ca: TransportCa, dir: string, app: string, passphrase?: string): string[] {
  const files = serverFiles(dir, app);
  const where = path.relative(dir, files.cert);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(files.cert));
    const key = createPrivateKey({ key: readFileSync(files.key), passphrase });
    if (!cert.checkPrivateKey(key)) return [`${path.relative(dir, files.key)} is not the key of ${where}`];
  } catch (error) {
    return [`${app}'s HTTPS key or certificate in ${path.relative(dir, path.dirname(files.cert))}/ cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`];
  }
  const problems: string[] = [];
  if (!cert.verify(new X509Certificate(ca.certificatePem).publicKey)) problems.push(`${where} is not issued by the transport CA in pki/transport/ca.pem`);
  const now = Date.now();
  if (new Date(cert.validTo).getTime() < now || new Date(cert.validFrom).getTime() > now) problems.push(`${where} is not valid now (${cert.validFrom} – ${cert.validTo})`);
  if (!(cert.keyUsage ?? []).includes(SERVER_AUTH)) problems.push(`${where} is not for TLS servers (extendedKeyUsage serverAuth)`);
  if (!cert.checkIP('127.0.0.1')) problems.push(`${where} does not name 127.0.0.1`);
  return problems;
}
