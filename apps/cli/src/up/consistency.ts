import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EdxError, GatewayConfig, loadGatewayConfig, readPassphraseFile, toEdxError } from '@edx/common';
import { certificateUser, devBrokerTlsPaths, escapeRegex, systemUserName } from '@edx/messaging';
import { DevPki, SigningIdentity, TransportCa, TrustStore, assertOwnCertificateAccepted, loadIdentityFiles } from '@edx/trust';
import { ConsoleClient } from '../demo/console-client';
import { gatewayServerName } from '../demo/demo-setup';
import { serverCertificateProblems, transportDir } from './transport-files';
import { DemoPlan, serviceTransportDir } from './demo-plan';
import { DemoFile } from './local-exchange';

/** The hub's identity in the dev PKI: the code in its certificate and the files under `.edx/pki/hub/`. */
export const HUB_CODE = 'edx.hub';
export const hubKeyFiles = (dir: string) => ({ key: path.join(dir, 'pki', 'hub', 'key.pem'), cert: path.join(dir, 'pki', 'hub', 'cert.pem') });

/** The passphrase of the demo's encrypted keys (`edx up` writes it, 0600, beside them). */
export const keyPassphraseFile = (dir: string) => path.join(dir, 'key-passphrase');

/** The demo's key passphrase, undefined for a folder whose keys are not encrypted (made before they were). */
export function demoKeyPassphrase(dir: string): string | undefined {
  const file = keyPassphraseFile(dir);
  return existsSync(file) ? readPassphraseFile(file) : undefined;
}

function identityAt(dir: string, key: string, cert: string): SigningIdentity {
  return loadIdentityFiles(key, cert, demoKeyPassphrase(dir));
}

/**
 * A broker client certificate the local broker takes: from its CA, for `user` (its CN; a RegExp: a
 * system's enrolment's user, `system.<id>.<n>`), not expired. Throws CERT_UNTRUSTED saying which.
 */
function assertBrokerCertificate(certFile: string, caFile: string, user: string | RegExp): void {
  const cert = new X509Certificate(readFileSync(certFile));
  if (!cert.verify(new X509Certificate(readFileSync(caFile)).publicKey)) throw new EdxError('CERT_UNTRUSTED', `${certFile} is not from the broker's transport CA (${caFile})`);
  const named = certificateUser(certFile);
  if (typeof user === 'string' ? named !== user : !user.test(named)) throw new EdxError('CERT_UNTRUSTED', `${certFile} logs in as ${named}, not ${String(user)}`);
  if (new Date(cert.validTo) < new Date()) throw new EdxError('CERT_EXPIRED', `${certFile} expired on ${cert.validTo}`);
}

/** Runs one check; its EdxError (or any error) becomes a problem sentence. */
function attempt(problems: string[], what: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    problems.push(`${what}: ${toEdxError(error).message}`);
  }
}

/**
 * Does `.edx/` hang together? Every certificate chains to the current dev PKI and names its owner,
 * every gateway configuration names the system, database and files the settings name, every
 * gateway trusts the hub's certificate, and every app's HTTPS certificate (console, hub, each
 * gateway) is the transport CA's for 127.0.0.1, with the gateways trusting that CA for their HTTPS
 * calls. Returns the problems, one sentence each (none: it does).
 */
export function localProblems(plan: DemoPlan, demo: DemoFile, dir = plan.dir): string[] {
  const problems: string[] = [];
  let pki: DevPki | undefined;
  attempt(problems, 'the dev PKI in pki/', () => {
    pki = DevPki.load(path.join(dir, 'pki'));
    for (const [file, pem] of [['root.pem', pki.rootCertificatePem], ['intermediate.pem', pki.intermediateCertificatePem]] as const) {
      if (readFileSync(path.join(dir, 'pki', file), 'utf8').trim() !== pem.trim()) problems.push(`pki/${file} is not the certificate of the dev PKI in pki/state.json`);
    }
  });
  if (!pki) return problems;
  const devStore = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);
  let hub: SigningIdentity | undefined;
  attempt(problems, "the hub's key and certificate in pki/hub/", () => {
    const files = hubKeyFiles(dir);
    hub = identityAt(dir, files.key, files.cert);
    assertOwnCertificateAccepted(hub, devStore, HUB_CODE, { who: 'The hub', fix: '' });
  });

  const brokerCa = devBrokerTlsPaths(plan.brokerTlsDir).caFile;
  for (const { user } of [demo.broker.hub, demo.broker.console]) {
    attempt(problems, `the broker certificate of ${user} in transport/${user}/`, () => assertBrokerCertificate(path.join(serviceTransportDir(dir, user), 'transport-cert.pem'), brokerCa, user));
  }
  let transport: TransportCa | undefined;
  attempt(problems, 'the transport CA in pki/transport/', () => {
    transport = TransportCa.load(transportDir(dir));
  });
  if (transport) {
    for (const app of ['console', 'hub', ...demo.gateways.map((g) => gatewayServerName(g.id))]) problems.push(...serverCertificateProblems(transport, dir, app, demoKeyPassphrase(dir)));
  }

  const expected = new Map(plan.systems.map((s) => [s.id, s]));
  for (const gateway of demo.gateways) {
    const system = expected.get(gateway.id);
    if (!system) {
      problems.push(`demo.json names system ${gateway.id}, but the settings name ${[...expected.keys()].join(' and ')} (was EDX_DEMO_SYSTEM_PREFIX changed?)`);
      continue;
    }
    const file = path.join(dir, gateway.configFile);
    let config: GatewayConfig | undefined;
    attempt(problems, `gateway ${gateway.id} (${gateway.configFile})`, () => {
      config = loadGatewayConfig(file);
    });
    if (!config) continue;
    if (config.systemId !== system.id) problems.push(`${gateway.configFile} is for system ${config.systemId}, not ${system.id}`);
    if (config.databaseUrl !== system.databaseUrl) problems.push(`${gateway.configFile} uses database ${config.databaseUrl}, the settings ${system.databaseUrl}`);
    const amqp = config.amqp;
    if (!amqp) problems.push(`${gateway.configFile} reaches the broker with a password (amqpUrl): it was made before the broker took client certificates`);
    else attempt(problems, `the broker certificate of gateway ${config.systemId}`, () => assertBrokerCertificate(amqp.certFile, brokerCa, new RegExp(`^${escapeRegex(systemUserName(config!.systemId))}\\.\\d+$`)));
    const consoleCa = config.transportCa && existsSync(config.transportCa) ? readFileSync(config.transportCa, 'utf8').trim() : undefined;
    if (transport && consoleCa !== transport.certificatePem.trim()) problems.push(`${gateway.configFile} does not trust the transport CA of pki/transport/ for its HTTPS calls to the console (transportCa: ${config.transportCa ?? 'unset'})`);
    const missing = [...config.trust.anchors, ...config.trust.intermediates].filter((f) => !existsSync(f));
    if (missing.length) {
      problems.push(`${gateway.configFile} names trust files that are missing: ${missing.join(', ')}`);
      continue;
    }
    // As the gateway reads them: PEM or DER, each file named in any error.
    const named = (files: string[]) => files.map((f) => ({ name: f, bytes: readFileSync(f) }));
    const store = TrustStore.fromMaterial({ anchors: named(config.trust.anchors), intermediates: named(config.trust.intermediates) });
    // An enrolled gateway's agencies are the keys in its folder that the directory gives it (demo.json lists them).
    for (const agency of gateway.agencies) {
      attempt(problems, `agency ${agency.code} at gateway ${config.systemId}`, () =>
        assertOwnCertificateAccepted(identityAt(dir, path.join(dir, agency.keyFile), path.join(dir, agency.certFile)), store, agency.code, { who: `Agency ${agency.code}`, fix: '' }),
      );
    }
    // Statuses the hub signs (a 02 for an unknown recipient) are checked by the gateways against their anchors.
    if (hub) attempt(problems, `gateway ${config.systemId}`, () => assertOwnCertificateAccepted(hub!, store, HUB_CODE, { who: 'The hub', fix: '' }));
  }
  const described = new Set(demo.gateways.map((g) => g.id));
  for (const id of expected.keys()) if (!described.has(id)) problems.push(`demo.json has no gateway for system ${id}`);
  return problems;
}

/** Does the directory (through the console) host each configured agency at its system, with its certificate registered? */
export async function directoryProblems(demo: DemoFile, console: ConsoleClient, dir: string): Promise<string[]> {
  const { items } = await console.allAgencies();
  const byCode = new Map(items.map((a) => [String(a.code), a]));
  const problems: string[] = [];
  for (const gateway of demo.gateways) {
    const config = loadGatewayConfig(path.join(dir, gateway.configFile));
    for (const agency of gateway.agencies) {
      const entry = byCode.get(agency.code);
      if (!entry) {
        problems.push(`agency ${agency.code} (gateway ${config.systemId}) is not in the directory`);
        continue;
      }
      if (entry.systemId !== config.systemId) problems.push(`the directory says ${agency.code} is hosted by ${String(entry.systemId ?? 'no system')}, its gateway config says ${config.systemId}`);
      const fingerprint = identityAt(dir, path.join(dir, agency.keyFile), path.join(dir, agency.certFile)).certificate.fingerprint;
      if (!(entry.certificateFingerprints as string[] | undefined)?.includes(fingerprint)) {
        problems.push(`the certificate ${agency.code}'s gateway signs with is not registered for ${agency.code} in the directory`);
      }
    }
    const hosted = items.filter((a) => a.systemId === config.systemId).map((a) => String(a.code));
    const configured = new Set(gateway.agencies.map((a) => a.code));
    for (const code of hosted) if (!configured.has(code)) problems.push(`the directory has ${code} hosted by ${config.systemId}, but its gateway's folder has no key for it`);
  }
  return problems;
}
