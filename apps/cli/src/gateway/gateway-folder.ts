import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EdxError, privateDirectory, writePrivateFile } from '@edx/common';
import { parseAgencyCode } from '@edx/edxml';
import { assertDatabaseTransport } from '@edx/storage';
import { certificateRequest, encryptPrivateKey, newTransportKey } from '@edx/trust';
import { ConsoleClient, Enrolment } from '../demo/console-client';

/**
 * A gateway's folder, everything a connected system's gateway starts from:
 *   gateway.json              its configuration (EDX_GATEWAY_CONFIG)
 *   transport/key.pem         the system's own key, made here; the enrolment proves it holds it
 *   transport/cert.pem        its broker certificate (CN = its broker user), issued at enrolment
 *   transport/broker-ca.pem   the CA the broker's certificate chains to
 *   https/cert.pem            its HTTPS server certificate for the same key, when the console issues them
 *   console-token             the system's console credential (reads the agencies it hosts)
 *   trust/anchors.pem, trust/intermediates.pem
 *   trust/console-ca.pem      the CA the console's HTTPS certificate chains to (what enrolment trusted)
 *   agencies/CODE/key.pem     each hosted agency's signing key, made here (never travels)
 *   agencies/CODE/request.csr what the CA issues the agency's certificate for
 *   agencies/CODE/api-key.sha256  the SHA-256 of the DMS's API key for that agency
 *   agencies/CODE/cert.pem    written by the gateway when the directory has the certificate
 */
export const gatewayFiles = (dir: string) => ({
  config: path.join(dir, 'gateway.json'),
  transportKey: path.join(dir, 'transport', 'key.pem'),
  transportCert: path.join(dir, 'transport', 'cert.pem'),
  brokerCa: path.join(dir, 'transport', 'broker-ca.pem'),
  httpsCert: path.join(dir, 'https', 'cert.pem'),
  consoleToken: path.join(dir, 'console-token'),
  anchors: path.join(dir, 'trust', 'anchors.pem'),
  intermediates: path.join(dir, 'trust', 'intermediates.pem'),
  consoleCa: path.join(dir, 'trust', 'console-ca.pem'),
  agency: (code: string) => {
    const folder = path.join(dir, 'agencies', code);
    return { folder, key: path.join(folder, 'key.pem'), request: path.join(folder, 'request.csr'), apiKeyHash: path.join(folder, 'api-key.sha256'), cert: path.join(folder, 'cert.pem') };
  },
});

/** A private key file, made once: a later run keeps the key it finds (so a re-run changes nothing). */
function ensureKey(file: string, passphrase?: string): { keyPem: string; made: boolean } {
  if (existsSync(file)) {
    const keyPem = readFileSync(file, 'utf8');
    try {
      createPrivateKey({ key: keyPem, passphrase });
    } catch (error) {
      throw new EdxError('KEY_INVALID', `${file} cannot be read${passphrase ? ' with the passphrase given' : ''}: ${(error as Error).message}`);
    }
    return { keyPem, made: false };
  }
  privateDirectory(path.dirname(file));
  const clear = newTransportKey();
  const keyPem = passphrase ? encryptPrivateKey(clear, passphrase) : clear;
  writePrivateFile(file, keyPem);
  return { keyPem, made: true };
}

export interface EnrolOptions {
  readonly consoleUrl: string;
  /** The CA (PEM) the console's HTTPS certificate must chain to; undefined: the system's roots. */
  readonly consoleCa?: string;
  readonly token: string;
  readonly dir: string;
  /** The gateway's own database; default: the one an earlier enrolment of this folder wrote. */
  readonly databaseUrl?: string;
  /** Encrypts the keys made here (the gateway reads it from EDX_KEY_PASSPHRASE_FILE). */
  readonly passphrase?: string;
  /** The names the gateway serves HTTPS on: the console issues its server certificate for them (when it issues them). */
  readonly hosts?: readonly string[];
}

export interface EnrolResult {
  readonly systemId: string;
  readonly configFile: string;
  readonly enrolment: Enrolment;
}

/**
 * `edx gateway enrol`: makes the system's key here (or keeps the one an earlier run made), redeems the
 * enrolment token with a request for it, and writes the gateway's folder: the broker certificate the
 * console issued for that key (the gateway logs in with it; it holds no broker password). Safe to run again: the same
 * key redeems the same token again until it expires, and every file is written whole.
 */
export async function enrolGateway(options: EnrolOptions): Promise<EnrolResult> {
  const files = gatewayFiles(options.dir);
  privateDirectory(options.dir);
  const previous = existsSync(files.config) ? (JSON.parse(readFileSync(files.config, 'utf8')) as { systemId?: string; databaseUrl?: string }) : undefined;
  const databaseUrl = options.databaseUrl ?? previous?.databaseUrl;
  if (!databaseUrl) throw new EdxError('REQUEST_INVALID', "Give the gateway's database: --database-url 'postgres://USER@HOST:5432/DB?sslmode=verify-full&sslrootcert=CA.pem' (a database of its own; the gateway creates its tables).");
  assertDatabaseTransport(databaseUrl); // refused here, before the token is spent, not when the gateway starts
  const { keyPem } = ensureKey(files.transportKey, options.passphrase);
  const consoleUrl = options.consoleUrl.replace(/\/+$/, '');
  const enrolment = await ConsoleClient.enrol(consoleUrl, options.token, certificateRequest(keyPem, 'gateway', options.passphrase), { ca: options.consoleCa, hosts: options.hosts });
  if (previous?.systemId && previous.systemId !== enrolment.systemId) {
    throw new EdxError('CONFLICT', `${options.dir} is the gateway of system ${previous.systemId}; this token enrols ${enrolment.systemId}. Enrol it into another folder (--dir).`);
  }
  writeFileSync(files.transportCert, enrolment.amqp.certificatePem);
  writeFileSync(files.brokerCa, enrolment.amqp.caPem);
  if (enrolment.https) {
    privateDirectory(path.dirname(files.httpsCert));
    writeFileSync(files.httpsCert, enrolment.https.certificatePem);
  }
  privateDirectory(path.dirname(files.anchors));
  writeFileSync(files.anchors, enrolment.trust.anchors.join('\n'));
  writeFileSync(files.intermediates, enrolment.trust.intermediates.join('\n'));
  // The gateway calls the console (its directory, its CRLs) trusting the CA this enrolment trusted.
  if (options.consoleCa) writeFileSync(files.consoleCa, options.consoleCa);
  writePrivateFile(files.consoleToken, `${enrolment.consoleToken}\n`);
  const relative = (file: string) => path.relative(options.dir, file);
  const config = {
    systemId: enrolment.systemId,
    amqp: { url: enrolment.amqp.url, caFile: relative(files.brokerCa), certFile: relative(files.transportCert), keyFile: relative(files.transportKey) },
    databaseUrl,
    trust: { anchors: [relative(files.anchors)], intermediates: [relative(files.intermediates)], crls: [], crlSources: [`${consoleUrl}/v1/trust/crls`] },
    console: { url: consoleUrl, tokenFile: relative(files.consoleToken) },
    ...(options.consoleCa ? { transportCa: relative(files.consoleCa) } : {}),
    agencies: [],
  };
  writePrivateFile(files.config, `${JSON.stringify(config, null, 2)}\n`);
  return { systemId: enrolment.systemId, configFile: files.config, enrolment };
}

export interface AgencyKey {
  readonly code: string;
  readonly keyFile: string;
  /** The request to hand to the CA (PEM). */
  readonly requestFile: string;
  readonly requestPem: string;
  /** The DMS's API key, shown once; undefined when an earlier run made it (its hash is kept). */
  readonly apiKey?: string;
  readonly made: boolean;
}

/**
 * `edx gateway key CODE`: the agency's signing key (made here, kept if it exists), a certificate
 * request for it, and the DMS's API key (SHA-256 kept). `newApiKey` replaces the API key.
 */
export function makeAgencyKey(options: { dir: string; code: string; passphrase?: string; newApiKey?: boolean }): AgencyKey {
  const code = parseAgencyCode(options.code);
  const files = gatewayFiles(options.dir).agency(code);
  const { keyPem, made } = ensureKey(files.key, options.passphrase);
  const requestPem = certificateRequest(keyPem, code, options.passphrase);
  writeFileSync(files.request, requestPem);
  let apiKey: string | undefined;
  if (options.newApiKey || !existsSync(files.apiKeyHash)) {
    apiKey = `edx_${randomBytes(24).toString('base64url')}`;
    writePrivateFile(files.apiKeyHash, `${createHash('sha256').update(apiKey).digest('hex')}\n`);
  }
  return { code, keyFile: files.key, requestFile: files.request, requestPem, apiKey, made };
}
