import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Fetch, tlsFetch } from '@edx/common';
import { AmqpTlsFiles, BrokerAdmin, devBrokerTlsPaths, issueBrokerClientFiles, loadDevTransportCa } from '@edx/messaging';
import { databaseUrl, dropDatabase } from '@edx/storage';
import { SigningIdentity, TransportCa, createDevPki, loadIdentityFiles } from '@edx/trust';
import { ConsoleClient } from '../demo/console-client';
import { DemoSystem, ProvisionedSystem, gatewayServerName, provisionSystems } from '../demo/demo-setup';
import { AppProcess, freePort, launchApp, waitHealthy } from '../processes/app-process';
import { httpsEnv, serverFiles, transportDir, writeServerCertificate } from '../up/transport-files';

export interface ExchangeOptions {
  /** The broker's TLS listener (amqps://host:5671): every process connects there with its own certificate. */
  readonly amqpRoot: string;
  /** The machine's dev transport CA folder (`edx broker tls`), which the local broker trusts. */
  readonly brokerTlsDir: string;
  readonly managementUrl: string;
  readonly databaseRoot: string;
  readonly senders: number;
  readonly receivers: number;
  readonly hubs: number;
  readonly profileDir?: string;
  /** The bench's --stages: where the hub and gateways write their per-stage timestamps (EDX_STAGE_LOG_DIR). */
  readonly stageLogDir?: string;
  readonly log: (line: string) => void;
}

const SENDER_CODES = ['000.00.00.G22', '000.00.00.G09', '000.00.00.G12', '000.00.00.G15'];
const RECEIVER_CODES = ['000.00.00.H41', '000.00.00.H53', '000.00.00.H20', '000.00.00.H29', '000.00.00.H31', '000.00.00.H45', '000.00.00.H49', '000.00.00.H56'];

/**
 * An exchange of its own for one benchmark run: a unique vhost, databases and system ids, a dev PKI;
 * console, hub copies and two gateways as child processes of the compiled apps. `close()` removes
 * everything it made.
 */
export class IsolatedExchange {
  readonly id = `edx_bench_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  readonly amqpUrl: string;
  /** The hub's database (verified TLS, as the hub reaches it). */
  readonly hubDatabaseUrl: string;
  /** The raw broker measurement's own user (it declares a queue of its own) and its certificate. */
  rawBrokerTls!: AmqpTlsFiles;
  readonly processes: AppProcess[] = [];
  readonly senders: Array<{ code: string; apiKey: string; gateway: string; pdfSigner: SigningIdentity }> = [];
  readonly receivers: string[] = [];
  /** How each receiving agency reaches its documents: its gateway and API key (the large-document run fetches what arrived). */
  readonly receiverAccess = new Map<string, { gateway: string; apiKey: string }>();
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'edx-bench-'));
  /** Every app serves HTTPS, as in the default set-up: a transport CA of the run's own. */
  private readonly transport = TransportCa.create({ name: 'edx bench transport CA' });
  /** The load generator's HTTPS client (trusting the run's transport CA, keep-alive). */
  readonly fetch: Fetch = tlsFetch({ ca: this.transport.certificatePem });
  private readonly databases: string[] = [];
  private readonly users: string[] = [];
  private systems: ProvisionedSystem[] = [];

  constructor(private readonly options: ExchangeOptions) {
    this.amqpUrl = `${options.amqpRoot}/${this.id}`;
    this.hubDatabaseUrl = databaseUrl(options.databaseRoot, `${this.id}_hub`);
  }

  async start(): Promise<void> {
    const { log, databaseRoot } = this.options;
    const admin = new BrokerAdmin({ managementUrl: this.options.managementUrl });
    await admin.ensureVhost(this.id);
    const hubDatabase = this.hubDatabaseUrl;
    this.databases.push(hubDatabase);
    const pki = createDevPki();
    const hub = pki.issue({ code: 'edx.hub', name: 'edx exchange hub', kind: 'organisation' });
    mkdirSync(path.join(this.dir, 'hub'));
    writeFileSync(path.join(this.dir, 'hub/key.pem'), hub.keyPem);
    writeFileSync(path.join(this.dir, 'hub/cert.pem'), hub.certificatePem);
    this.transport.save(transportDir(this.dir));
    for (const app of ['console', 'hub']) writeServerCertificate(this.transport, this.dir, app);
    const ca = this.transport.certificatePem;
    const adminToken = randomBytes(16).toString('hex');
    // Every process over TLS with its own certificate, as `edx up` runs them.
    const transportCa = loadDevTransportCa(this.options.brokerTlsDir);
    const clientFiles = async (user: string, permissions?: 'all'): Promise<AmqpTlsFiles> => {
      if (permissions) {
        await admin.ensureUser(user);
        await admin.setPermissions(this.id, user, { configure: '.*', write: '.*', read: '.*' });
      } else await admin.ensureServiceUser(this.id, user);
      this.users.push(user);
      return issueBrokerClientFiles(transportCa, path.join(this.dir, 'transport', user), user);
    };
    const amqpEnv = (tls: AmqpTlsFiles) => ({ EDX_AMQP_URL: this.amqpUrl, EDX_AMQP_CA_FILE: tls.caFile, EDX_AMQP_CERT_FILE: tls.certFile!, EDX_AMQP_KEY_FILE: tls.keyFile! });
    const consoleTls = await clientFiles(`edx-console-${this.id}`);
    const hubTls = await clientFiles(`edx-hub-${this.id}`);
    this.rawBrokerTls = await clientFiles(`edx-bench-raw-${this.id}`, 'all');
    const common = { EDX_AMQP_MANAGEMENT_URL: this.options.managementUrl, EDX_HUB_DATABASE_URL: hubDatabase, EDX_LOG_LEVEL: 'warn' };

    const consolePort = await freePort();
    const consoleApp = this.track(launchApp('console', { port: consolePort, ca, env: { ...common, ...amqpEnv(consoleTls), ...httpsEnv(serverFiles(this.dir, 'console')), EDX_CONSOLE_PORT: String(consolePort), EDX_TRANSPORT_CA_DIR: devBrokerTlsPaths(this.options.brokerTlsDir).caDir, EDX_CONSOLE_ADMIN_TOKEN_SHA256: createHash('sha256').update(adminToken).digest('hex') } }));
    await waitHealthy(consoleApp);
    const system = async (id: string, codes: string[]): Promise<DemoSystem> => {
      const url = databaseUrl(databaseRoot, `${this.id}_${id}`);
      this.databases.push(url);
      return { id: `${id}-${this.id.slice(-4)}`, name: id, port: await freePort(), databaseUrl: url, agencies: codes.map((code) => ({ code, name: `Agency ${code}` })) };
    };
    const systems = [await system('senders', SENDER_CODES.slice(0, this.options.senders)), await system('receivers', RECEIVER_CODES.slice(0, this.options.receivers))];
    this.systems = await provisionSystems({ console: new ConsoleClient(consoleApp.url, adminToken, { ca }), pki, dir: this.dir, systems, transportCa: this.transport });
    log(`exchange ${this.id}: ${this.options.senders} sending and ${this.options.receivers} receiving agencies onboarded`);

    const profile = this.options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', this.options.profileDir] : [];
    const stages: Record<string, string> = this.options.stageLogDir ? { EDX_STAGE_LOG_DIR: this.options.stageLogDir } : {};
    const hubPorts: number[] = [];
    for (let i = 0; i < this.options.hubs; i++) {
      const port = await freePort();
      hubPorts.push(port);
      this.track(launchApp('hub', {
        name: `hub#${i + 1}`, port, nodeFlags: profile, ca,
        env: { ...common, ...stages, ...amqpEnv(hubTls), ...httpsEnv(serverFiles(this.dir, 'hub')), EDX_HUB_PORT: String(port), EDX_HUB_KEY_FILE: path.join(this.dir, 'hub/key.pem'), EDX_HUB_CERT_FILE: path.join(this.dir, 'hub/cert.pem'), EDX_HUB_CLIENT_CA_FILE: devBrokerTlsPaths(this.options.brokerTlsDir).caFile },
      }));
    }
    for (const s of this.systems) {
      const port = Number(new URL(s.url).port);
      const https = httpsEnv(serverFiles(this.dir, gatewayServerName(s.id)));
      this.track(launchApp('gateway', { name: `gateway ${s.id.split('-')[0]}`, port, nodeFlags: profile, ca, env: { ...https, ...stages, EDX_GATEWAY_CONFIG: s.configFile, EDX_GATEWAY_PORT: String(port), EDX_HUB_URL: `https://127.0.0.1:${hubPorts[0]}`, EDX_LOG_LEVEL: 'warn' } }));
    }
    await Promise.all(this.processes.map((p) => waitHealthy(p)));
    const [senders, receivers] = this.systems;
    for (const a of senders.agencies) {
      const pdfSigner = loadIdentityFiles(a.keyFile, a.certFile);
      this.senders.push({ code: a.code, apiKey: a.apiKey, gateway: senders.url, pdfSigner });
    }
    this.receivers.push(...receivers.agencies.map((a) => a.code));
    for (const a of receivers.agencies) this.receiverAccess.set(a.code, { gateway: receivers.url, apiKey: a.apiKey });
  }

  private track(app: AppProcess): AppProcess {
    this.processes.push(app);
    return app;
  }

  /** Stops every process (SIGTERM, so profiles are written) and removes the vhost, users and databases. */
  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    const admin = new BrokerAdmin({ managementUrl: this.options.managementUrl });
    await admin.deleteVhost(this.id).catch(() => undefined);
    for (const s of this.systems) await admin.deleteSystemUsers(s.id).catch(() => undefined);
    for (const user of this.users) await admin.deleteUser(user).catch(() => undefined);
    for (const db of this.databases) await dropDatabase(db).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
