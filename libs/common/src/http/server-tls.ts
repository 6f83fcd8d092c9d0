import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HttpServerSettings, HttpTimeouts } from '../config/http-server-settings';
import { EdxError } from '../errors';

/** The TLS material of an app's HTTPS server, read and checked at start-up. */
export interface ServerTls {
  readonly key: string;
  readonly cert: string;
  readonly passphrase?: string;
  /** PEM of the CA whose client certificates are asked for and checked (optional client authentication). */
  readonly clientCa?: string;
}

/** How an app serves HTTP: HTTPS with `tls`, plain without it; and its time limits. */
export interface HttpServerOptions {
  readonly tls?: ServerTls;
  readonly timeouts: HttpTimeouts;
}

function read(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new EdxError('KEY_INVALID', `Cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}

/**
 * Reads the server's key, certificate and client CA from the settings' files. Throws KEY_INVALID
 * naming the file when one cannot be read, the key is encrypted without a passphrase (or with another
 * one), or the key does not belong to the certificate: an app that cannot serve HTTPS does not start.
 */
export function httpServerOptions(settings: HttpServerSettings, passphrase?: string): HttpServerOptions {
  if (!settings.tls) return { timeouts: settings.timeouts };
  const { certFile, keyFile, clientCaFile } = settings.tls;
  const key = read(keyFile, 'the HTTPS key');
  const cert = read(certFile, 'the HTTPS certificate');
  const encrypted = key.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');
  if (encrypted && passphrase === undefined) throw new EdxError('KEY_INVALID', `The HTTPS key ${keyFile} is encrypted and no passphrase was given (EDX_KEY_PASSPHRASE_FILE).`);
  let matches: boolean;
  try {
    matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey({ key, format: 'pem', passphrase: encrypted ? passphrase : undefined }));
  } catch (error) {
    throw new EdxError('KEY_INVALID', `The HTTPS key ${keyFile} or certificate ${certFile} cannot be read${encrypted ? ' (is EDX_KEY_PASSPHRASE_FILE the passphrase of this key?)' : ''}: ${(error as Error).message}.`);
  }
  if (!matches) throw new EdxError('KEY_INVALID', `The HTTPS key ${keyFile} does not belong to the certificate ${certFile}.`);
  if (clientCaFile) {
    const clientCa = read(clientCaFile, 'the client CA');
    try {
      new X509Certificate(clientCa);
    } catch (error) {
      throw new EdxError('KEY_INVALID', `The client CA ${clientCaFile} is not a PEM certificate: ${(error as Error).message}.`);
    }
    return { tls: { key, cert, passphrase: encrypted ? passphrase : undefined, clientCa }, timeouts: settings.timeouts };
  }
  return { tls: { key, cert, passphrase: encrypted ? passphrase : undefined }, timeouts: settings.timeouts };
}
