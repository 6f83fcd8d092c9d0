import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { privateDirectory } from '@edx/common';
import { databaseUrl } from '@edx/storage';
import { DevPki, TransportCa } from '@edx/trust';
import { enrolGateway, gatewayFiles, makeAgencyKey } from '../gateway/gateway-folder';
import { writeServerCertificate } from '../up/transport-files';
import { ConsoleClient } from './console-client';

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
  const database = (systemId: string) => databaseUrl(options.databaseRoot, `edx_gateway_${systemId.replace(/[^a-z0-9]/g, '_')}`);
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
 * Onboards the demo systems as an administrator and each gateway's operator would, through the same
 * use cases as `edx system add`, `edx gateway enrol`, `edx gateway key`, `edx pki issue --csr` and
 * `edx agency add`: trust anchors; per system, a connected system and its enrolment token, redeemed
 * by its gateway's folder (`DIR/gateways/ID/`, keys made there), and the gateway's HTTPS certificate
 * from the transport CA (saved in `dir/pki/transport/` already); per agency, a key and API key in
 * that folder, a certificate from the dev PKI for its request, and its registration. The API keys
 * are returned to print once (only their hashes are kept).
 */
export async function provisionSystems(options: {
  readonly console: ConsoleClient;
  readonly pki: DevPki;
  readonly dir: string;
  readonly systems: readonly DemoSystem[];
  readonly log?: (line: string) => void;
  /** Called after each system is onboarded (edx up's crash points). */
  readonly afterSystem?: (systemId: string) => void;
  /** Encrypt the keys made here with this passphrase (edx up); without it they are written in clear (tests, bench). */
  readonly keyPassphrase?: string;
  /** The exchange's transport CA: issues each gateway's HTTPS certificate; its certificate is what gateways trust for HTTPS calls. */
  readonly transportCa: TransportCa;
}): Promise<ProvisionedSystem[]> {
  const { console, pki, dir, systems } = options;
  const log = options.log ?? (() => undefined);
  privateDirectory(dir);
  mkdirSync(path.join(dir, 'pki'), { recursive: true });
  writeFileSync(path.join(dir, 'pki', 'root.pem'), pki.rootCertificatePem);
  writeFileSync(path.join(dir, 'pki', 'intermediate.pem'), pki.intermediateCertificatePem);
  await console.addTrust('anchors', pki.rootCertificatePem, 'dev root CA');
  await console.addTrust('intermediates', pki.intermediateCertificatePem, 'dev intermediate CA');
  log('trust anchors registered');

  const provisioned: ProvisionedSystem[] = [];
  for (const system of systems) {
    const gatewayDir = path.join(dir, 'gateways', system.id);
    const { token } = await console.createSystem(system.id, system.name);
    const { configFile } = await enrolGateway({ consoleUrl: console.baseUrl, consoleCa: options.transportCa.certificatePem, token, dir: gatewayDir, databaseUrl: system.databaseUrl, passphrase: options.keyPassphrase });
    const agencies: ProvisionedAgency[] = [];
    for (const agency of system.agencies) {
      const key = makeAgencyKey({ dir: gatewayDir, code: agency.code, passphrase: options.keyPassphrase, newApiKey: true });
      const issued = pki.issueForRequest(key.requestPem, { code: agency.code, name: agency.name, kind: 'organisation' });
      // The gateway writes it too when it reads the directory; here so that `edx pdf sign --agency` works before it starts.
      const certFile = gatewayFiles(gatewayDir).agency(agency.code).cert;
      writeFileSync(certFile, issued.certificatePem);
      await console.addAgency({ code: agency.code, name: agency.name, systemId: system.id, certificatePem: issued.certificatePem });
      agencies.push({ ...agency, apiKey: key.apiKey!, keyFile: key.keyFile, certFile });
    }
    writeServerCertificate(options.transportCa, dir, gatewayServerName(system.id), options.keyPassphrase);
    provisioned.push({ id: system.id, url: `https://127.0.0.1:${system.port}`, configFile, agencies });
    log(`system ${system.id} enrolled: ${system.agencies.map((a) => a.code).join(', ')}`);
    options.afterSystem?.(system.id);
  }
  return provisioned;
}
