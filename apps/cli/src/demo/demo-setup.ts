import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DevPki, TransportCa, encryptPrivateKey } from '@edx/trust';
import { ConsoleClient } from './console-client';
import { privateDirectory, writePrivateFile } from '@edx/common';
import { transportCaFile, writeServerCertificate } from '../up/transport-files';

export interface DemoAgency {
  readonly code: string;
  readonly name: string;
}

export interface DemoSystem {
  readonly id: string;
  readonly name: string;
  readonly agencies: readonly DemoAgency[];
  /** Where the gateway of this system will listen. */
  readonly port: number;
  readonly databaseUrl: string;
}

/** The demo: system A hosts one ministry, system B hosts two provinces. */
export function demoSystems(options: { readonly databaseRoot: string; readonly ports: readonly [number, number]; readonly prefix?: string }): DemoSystem[] {
  const id = (base: string) => `${options.prefix ?? ''}${base}`;
  const database = (systemId: string) => `${options.databaseRoot}/edx_gateway_${systemId.replace(/[^a-z0-9]/g, '_')}`;
  return [
    { id: id('sys-a'), name: 'Văn phòng Chính phủ e-office', port: options.ports[0], databaseUrl: database(id('sys-a')), agencies: [{ code: '000.00.00.G22', name: 'Văn phòng Chính phủ' }] },
    {
      id: id('sys-b'),
      name: 'Provincial e-office (shared)',
      port: options.ports[1],
      databaseUrl: database(id('sys-b')),
      agencies: [
        { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' },
        { code: '000.00.00.H53', name: 'UBND tỉnh Tây Ninh' },
      ],
    },
  ];
}

export interface ProvisionedAgency extends DemoAgency {
  readonly apiKey: string;
  readonly keyFile: string;
  readonly certFile: string;
}

export interface ProvisionedSystem {
  readonly id: string;
  /** https://127.0.0.1:PORT: its HTTPS key and certificate are `serverFiles(dir, gatewayServerName(id))`. */
  readonly url: string;
  readonly configFile: string;
  readonly agencies: ProvisionedAgency[];
}

/** The name of a gateway's HTTPS certificate and its folder under `pki/transport/`. */
export const gatewayServerName = (systemId: string) => `gateway-${systemId}`;

/**
 * Onboards the demo systems through the console API: trust anchors, one broker user and inbox per
 * system, each agency with a certificate from the dev PKI, each gateway's HTTPS certificate from the
 * transport CA (saved in `dir/pki/transport/` already), and a gateway configuration file per system
 * (API keys are stored hashed there; the keys themselves are returned to print once).
 */
export async function provisionSystems(options: {
  readonly console: ConsoleClient;
  readonly pki: DevPki;
  readonly dir: string;
  readonly systems: readonly DemoSystem[];
  readonly log?: (line: string) => void;
  /** Called after each system is onboarded (edx up's crash points). */
  readonly afterSystem?: (systemId: string) => void;
  /** Encrypt the agencies' private keys with this passphrase (edx up); without it they are written in clear (tests, bench). */
  readonly keyPassphrase?: string;
  /** The exchange's transport CA: issues each gateway's HTTPS certificate; its certificate is what gateways trust for HTTPS calls. */
  readonly transportCa: TransportCa;
}): Promise<ProvisionedSystem[]> {
  const { console, pki, dir, systems } = options;
  const log = options.log ?? (() => undefined);
  privateDirectory(dir);
  const anchorFile = path.join(dir, 'pki', 'root.pem');
  const intermediateFile = path.join(dir, 'pki', 'intermediate.pem');
  mkdirSync(path.dirname(anchorFile), { recursive: true });
  writeFileSync(anchorFile, pki.rootCertificatePem);
  writeFileSync(intermediateFile, pki.intermediateCertificatePem);
  await console.addTrust('anchors', pki.rootCertificatePem, 'dev root CA');
  await console.addTrust('intermediates', pki.intermediateCertificatePem, 'dev intermediate CA');
  log('trust anchors registered');

  const provisioned: ProvisionedSystem[] = [];
  for (const system of systems) {
    const credentials = await console.createSystem(system.id, system.name);
    const agencies: ProvisionedAgency[] = [];
    for (const agency of system.agencies) {
      const issued = pki.issue({ code: agency.code, name: agency.name, kind: 'organisation' });
      const agencyDir = path.join(dir, 'agencies', agency.code);
      privateDirectory(agencyDir);
      const keyFile = path.join(agencyDir, 'key.pem');
      const certFile = path.join(agencyDir, 'cert.pem');
      writePrivateFile(keyFile, options.keyPassphrase ? encryptPrivateKey(issued.keyPem, options.keyPassphrase) : issued.keyPem);
      writeFileSync(certFile, issued.certificatePem);
      await console.addAgency({ code: agency.code, name: agency.name, systemId: system.id, certificatePem: issued.certificatePem });
      agencies.push({ ...agency, apiKey: `edx_${randomBytes(24).toString('base64url')}`, keyFile, certFile });
    }
    const configFile = path.join(dir, `gateway-${system.id}.json`);
    // Paths relative to the configuration file, so the folder can move (edx up builds it aside first).
    const relative = (file: string) => path.relative(dir, file);
    const config = {
      systemId: system.id,
      amqpUrl: credentials.amqpUrl,
      databaseUrl: system.databaseUrl,
      // The console publishes the CRLs administrators upload; the gateway polls them while it runs.
      trust: { anchors: [relative(anchorFile)], intermediates: [relative(intermediateFile)], crls: [], crlSources: [`${console.baseUrl}/v1/trust/crls`] },
      // The console's HTTPS certificate (crlSources) chains to the exchange's transport CA.
      transportCa: relative(transportCaFile(dir)),
      agencies: agencies.map((a) => ({
        code: a.code,
        name: a.name,
        apiKeySha256: createHash('sha256').update(a.apiKey).digest('hex'),
        keyFile: relative(a.keyFile),
        certFile: relative(a.certFile),
      })),
    };
    writePrivateFile(configFile, JSON.stringify(config, null, 2));
    writeServerCertificate(options.transportCa, dir, gatewayServerName(system.id), options.keyPassphrase);
    provisioned.push({ id: system.id, url: `https://127.0.0.1:${system.port}`, configFile, agencies });
    log(`system ${system.id} onboarded: ${system.agencies.map((a) => a.code).join(', ')}`);
    options.afterSystem?.(system.id);
  }
  return provisioned;
}
