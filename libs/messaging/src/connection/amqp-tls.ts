import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EdxError } from '@edx/common';

/**
 * The files of an AMQPS connection: the CA the broker's certificate must chain to and, for a client
 * that authenticates by certificate, its certificate and key (PEM; the key may be encrypted PKCS#8,
 * opened with `passphrase`). They are read at every connect, so a renewed certificate is used from
 * the next reconnect on.
 */
export interface AmqpTlsFiles {
  readonly caFile: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly passphrase?: string;
}

/** What amqplib hands to `tls.connect` for these files. Throws KEY_INVALID naming a file that cannot be read. */
export function tlsSocketOptions(files: AmqpTlsFiles): { ca: Buffer; cert?: Buffer; key?: Buffer; passphrase?: string } {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new EdxError('KEY_INVALID', `The broker connection's ${what} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, { file });
    }
  };
  return {
    ca: read(files.caFile, 'CA file'),
    ...(files.certFile ? { cert: read(files.certFile, 'client certificate') } : {}),
    ...(files.keyFile ? { key: read(files.keyFile, 'client key') } : {}),
    ...(files.passphrase ? { passphrase: files.passphrase } : {}),
  };
}

/**
 * The broker user a client certificate logs in as: its subject's common name, as RabbitMQ reads it
 * with `ssl_cert_login_from = common_name`. Throws KEY_INVALID when the file has no CN.
 */
export function certificateUser(certFile: string): string {
  const cert = new X509Certificate(tlsSocketOptions({ caFile: certFile }).ca);
  const cn = /^CN=(.+)$/m.exec(cert.subject)?.[1];
  if (!cn) throw new EdxError('KEY_INVALID', `The client certificate ${certFile} has no common name (the broker user it logs in as).`, { file: certFile });
  return cn;
}

/** A connection's URL and TLS files from the settings, with the passphrase of an encrypted client key. */
export function brokerConnectionOf(
  amqp: { readonly url: string; readonly tls?: Omit<AmqpTlsFiles, 'passphrase'> },
  passphrase: string | undefined,
): { url: string; tls?: AmqpTlsFiles } {
  return amqp.tls ? { url: amqp.url, tls: { ...amqp.tls, ...(passphrase ? { passphrase } : {}) } } : { url: amqp.url };
}
