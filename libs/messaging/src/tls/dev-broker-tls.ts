import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEV_BROKER_TLS_DIR, EdxError, privateDirectory, writePrivateFile } from '@edx/common';
import { TransportCa, encryptPrivateKey } from '@edx/trust';
import { AmqpTlsFiles } from '../connection/amqp-tls';

/**
 * The local broker's TLS material on a development or test machine, at one fixed place because the
 * broker is one per machine while every test file and `edx up` make their own document PKI:
 * - `<dir>/ca/ca.key`, `ca.pem` — the machine's dev transport CA (0700, its owner only);
 * - `<dir>/ca.pem`, `server.pem`, `server.key` — what RabbitMQ reads (its group may read the key).
 * `edx broker tls` makes them (idempotently) and points rabbitmq.conf at them; tests and `edx up`
 * issue their clients' certificates from this CA. The folder is DEV_BROKER_TLS_DIR (libs/common),
 * or EDX_BROKER_TLS_DIR.
 */
export { DEV_BROKER_TLS_DIR };

export interface DevBrokerTlsPaths {
  readonly dir: string;
  readonly caDir: string;
  /** The CA certificate clients trust for the broker's certificate, and the broker for theirs. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export function devBrokerTlsPaths(dir: string = DEV_BROKER_TLS_DIR): DevBrokerTlsPaths {
  return { dir, caDir: path.join(dir, 'ca'), caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'server.pem'), keyFile: path.join(dir, 'server.key') };
}

/** The machine's dev transport CA. Throws PREREQUISITE_MISSING naming the command that makes it. */
export function loadDevTransportCa(dir: string = DEV_BROKER_TLS_DIR): TransportCa {
  const paths = devBrokerTlsPaths(dir);
  if (!existsSync(path.join(paths.caDir, 'ca.key'))) {
    throw new EdxError('PREREQUISITE_MISSING', `The local broker has no dev transport CA in ${paths.caDir}: run \`npx edx broker tls\` (it sets up RabbitMQ's TLS listener on 5671).`, { dir });
  }
  return TransportCa.load(paths.caDir);
}

/**
 * A client's key (0600, encrypted with `passphrase` when given) and certificate for broker user
 * `user` (its CN), with the CA's certificate, written to `folder`; resolves with the files an AmqpConnection takes. `validFrom`
 * and `validDays` make certificates that are not valid yet or any more (tests).
 */
export function issueBrokerClientFiles(
  ca: TransportCa,
  folder: string,
  user: string,
  options: { readonly passphrase?: string; readonly validFrom?: Date; readonly validDays?: number } = {},
): AmqpTlsFiles & { readonly certFile: string; readonly keyFile: string; readonly serialNumber: string } {
  privateDirectory(folder);
  const issued = ca.issueKeyPair({ commonName: user, purposes: ['client'], validFrom: options.validFrom, validDays: options.validDays });
  const keyFile = path.join(folder, 'transport-key.pem');
  const certFile = path.join(folder, 'transport-cert.pem');
  const caFile = path.join(folder, 'transport-ca.pem');
  writePrivateFile(keyFile, options.passphrase ? encryptPrivateKey(issued.keyPem, options.passphrase) : issued.keyPem);
  mkdirSync(folder, { recursive: true });
  writeFileSync(certFile, issued.certificatePem);
  writeFileSync(caFile, ca.certificatePem);
  return { caFile, certFile, keyFile, ...(options.passphrase ? { passphrase: options.passphrase } : {}), serialNumber: issued.serialNumber };
}
