import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Fetch, createLogger, gatewayBrokerOf, loadGatewayConfig, tlsFetch } from '@edx/common';
import { AmqpConnection, AmqpTlsFiles, BrokerAdmin, issueBrokerClientFiles, loadDevTransportCa, devBrokerTlsPaths } from '@edx/messaging';
import { databaseUrl, dropDatabase } from '@edx/storage';
import { Client } from 'pg';
import { DevPki, SigningIdentity, TransportCa, createDevPki, loadIdentity } from '@edx/trust';
import { TEST_PG_ROOT, uniqueName } from '@edx/testing';
import { ConsoleClient } from '../../apps/cli/src/demo/console-client';
import { freePort, launchApp, waitHealthy } from '../../apps/cli/src/processes/app-process';
import { ApiInit, api } from './documents';
import { DemoSystem, ProvisionedSystem, gatewayServerName, provisionSystems } from '../../apps/cli/src/demo/demo-setup';
import { httpsEnv, serverFiles, transportCaFile, transportDir, writeServerCertificate } from '../../apps/cli/src/up/transport-files';
import { createConsoleApp } from '../../apps/console/src/console.app';
import { loadConsoleSettings } from '../../apps/console/src/console.env';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { loadGatewaySettings } from '../../apps/gateway/src/gateway.env';
import { createHubApp } from '../../apps/hub/src/hub.app';
import { loadHubSettings } from '../../apps/hub/src/hub.env';

export const MANAGEMENT_URL = process.env.EDX_TEST_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';
/** The management API over HTTPS (`npx edx broker tls`), which the console of a test exchange uses: the broker's admin password never crosses in clear. */
export const MANAGEMENT_TLS_URL = process.env.EDX_TEST_MANAGEMENT_TLS_URL ?? 'https://guest:guest@127.0.0.1:15671';
export const AMQP_ROOT = process.env.EDX_TEST_AMQP_ROOT ?? 'amqp://guest:guest@127.0.0.1:5672';
/** Where every app of a test exchange connects: the broker's TLS listener, by client certificate (`npx edx broker tls` sets it up). */
export const AMQPS_ROOT = process.env.EDX_TEST_AMQPS_ROOT ?? 'amqps://127.0.0.1:5671';
/** The machine's dev transport CA, which the local broker trusts (README, "Transport security"). */
export const BROKER_TLS_DIR = process.env.EDX_TEST_BROKER_TLS_DIR;
/** The test broker's max_message_size (.ci/run raises it to 256 MiB for the 100 MiB document). */
const BROKER_MAX_MESSAGE_BYTES = process.env.EDX_TEST_BROKER_MAX_MESSAGE_BYTES ?? '268435456';

const logger = createLogger('e2e');

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return `https://127.0.0.1:${address.port}`;
}

/** A running app: in this process (INestApplication) or a child process. */
export interface RunningApp {
  readonly url: string;
  stop(): Promise<void>;
  /** SIGKILL for a child process (in-process apps cannot be killed, only stopped). */
  kill?(): Promise<void>;
  readonly pid?: number;
  /** A child process: resolves when it exited (for a crash point, when it died there). */
  readonly exited?: Promise<void>;
}

export interface RunningGateway extends RunningApp {
  readonly systemId: string;
  readonly configFile: string;
}

function inProcess(app: INestApplication, url: string): RunningApp {
  return { url, stop: () => app.close() };
}

/** Starts an app's main.ts (sources, through SWC) as a child process; resolves when it is healthy. */
export async function spawnApp(app: 'hub' | 'gateway', env: Record<string, string>, port: number, ca: string): Promise<RunningApp> {
  const child = launchApp(app, { env: { EDX_LOG_LEVEL: process.env.EDX_TEST_LOG_LEVEL ?? 'silent', ...env }, port, from: 'sources', ca });
  await waitHealthy(child);
  return { url: child.url, pid: child.pid, stop: child.stop, kill: child.kill, exited: child.exited };
}

export class ExchangeHarness {
  readonly suffix = randomBytes(3).toString('hex');
  readonly vhost: string;
  readonly amqpUrl: string;
  readonly admin = new BrokerAdmin({ managementUrl: MANAGEMENT_URL });
  readonly dir = mkdtempSync(path.join(tmpdir(), 'edx-e2e-'));
  readonly hubDatabaseUrl: string;
  readonly adminToken = `adm_${randomBytes(16).toString('hex')}`;
  readonly operatorToken = `op_${randomBytes(16).toString('hex')}`;
  /** The hub and the console run as their own least-privilege broker users, as `edx up` sets them up: by certificate, no password. */
  readonly serviceUsers = { hub: `edx-hub-${this.suffix}`, console: `edx-console-${this.suffix}` };
  /** The exchange's broker URL over TLS (no credentials: each app shows its certificate). */
  readonly amqpsUrl: string;
  /** The transport CA the local broker trusts: every app's and system's broker certificate comes from it. */
  readonly transportCa: TransportCa = loadDevTransportCa(BROKER_TLS_DIR);
  private serviceTls!: { hub: AmqpTlsFiles; console: AmqpTlsFiles };
  pki!: DevPki;
  /** Every app serves HTTPS with a certificate of this CA, as in the default set-up. */
  readonly transport = TransportCa.create({ name: 'edx e2e transport CA' });
  /** An HTTPS client trusting the exchange's transport CA: every spec's requests go through it. */
  readonly fetch: Fetch = tlsFetch({ ca: this.transport.certificatePem });
  /** The transport CA's certificate as a file (what `--cacert` names for the CLI's verbs). */
  get transportCaFile(): string {
    return transportCaFile(this.dir);
  }
  consoleUrl!: string;
  hubUrl!: string;
  systems: ProvisionedSystem[] = [];
  readonly gateways = new Map<string, RunningGateway>();
  private consoleApp?: INestApplication;
  hub?: RunningApp;
  private readonly hubCopies: RunningApp[] = [];

  private readonly databases: string[];

  /**
   * `mode`: run hub and gateways as child processes (so they can be SIGKILLed) instead of in this process.
   * `label`: in the names of the vhost and databases, to tell whose they are on a shared server.
   */
  constructor(
    readonly mode: 'in-process' | 'processes' = 'in-process',
    private readonly label = 'e2e',
  ) {
    this.vhost = uniqueName(`edx_${label}`);
    this.amqpUrl = `${AMQP_ROOT}/${this.vhost}`;
    this.amqpsUrl = `${AMQPS_ROOT}/${this.vhost}`;
    this.hubDatabaseUrl = databaseUrl(TEST_PG_ROOT, uniqueName(`edx_${label}_hub`));
    this.databases = [this.hubDatabaseUrl];
  }

  /** Systems with ids made unique to this run (broker users are global to the broker). */
  systemId(base: string): string {
    return `${base}-${this.suffix}`;
  }

  /** The settings that connect an app over TLS with these client files. */
  static amqpEnv(url: string, tls: AmqpTlsFiles): Record<string, string> {
    return { EDX_AMQP_URL: url, EDX_AMQP_CA_FILE: tls.caFile, ...(tls.certFile ? { EDX_AMQP_CERT_FILE: tls.certFile } : {}), ...(tls.keyFile ? { EDX_AMQP_KEY_FILE: tls.keyFile } : {}) };
  }

  /** A new database name on the test server, dropped at stop (a gateway's, for a system enrolled by a test). */
  newDatabaseUrl(): string {
    const url = databaseUrl(TEST_PG_ROOT, uniqueName(`edx_${this.label}_gw`));
    this.databases.push(url);
    return url;
  }

  /** A system a test set up itself (e.g. with `edx gateway enrol`): startGateway runs it, stop removes its broker user. */
  adopt(system: ProvisionedSystem): void {
    // Its gateway's HTTPS certificate, as the operator of a real one would install it.
    writeServerCertificate(this.transport, this.dir, gatewayServerName(system.id));
    this.systems.push(system);
  }

  /**
   * Starts the console and the hub, then onboards `systems` as the demo does. `empty`: only the
   * console, nothing onboarded, not even the trust anchors (a test that builds the exchange with the
   * CLI starts the hub once they are registered: it checks its own certificate against them).
   */
  async start(systems: Array<{ id: string; agencies: Array<{ code: string; name: string }> }>, options: { empty?: boolean } = {}): Promise<this> {
    await this.admin.ensureVhost(this.vhost);
    for (const user of [this.serviceUsers.hub, this.serviceUsers.console]) await this.admin.ensureServiceUser(this.vhost, user);
    this.serviceTls = {
      hub: issueBrokerClientFiles(this.transportCa, path.join(this.dir, 'hub-transport'), this.serviceUsers.hub),
      console: issueBrokerClientFiles(this.transportCa, path.join(this.dir, 'console-transport'), this.serviceUsers.console),
    };
    this.pki = createDevPki();
    const hub = this.pki.issue({ code: 'edx.hub', name: 'edx exchange hub', kind: 'organisation' });
    mkdirSync(path.join(this.dir, 'hub'), { recursive: true });
    writeFileSync(path.join(this.dir, 'hub', 'key.pem'), hub.keyPem);
    writeFileSync(path.join(this.dir, 'hub', 'cert.pem'), hub.certificatePem);
    this.transport.save(transportDir(this.dir));
    for (const app of ['console', 'hub']) writeServerCertificate(this.transport, this.dir, app);

    const consoleSettings = loadConsoleSettings({
      ...ExchangeHarness.amqpEnv(this.amqpsUrl, this.serviceTls.console),
      ...httpsEnv(serverFiles(this.dir, 'console')),
      EDX_AMQP_MANAGEMENT_URL: MANAGEMENT_TLS_URL,
      EDX_AMQP_MANAGEMENT_CA_FILE: this.serviceTls.console.caFile,
      EDX_HUB_DATABASE_URL: this.hubDatabaseUrl,
      EDX_TRANSPORT_CA_DIR: devBrokerTlsPaths(BROKER_TLS_DIR).caDir,
      // Gateways enrolled by a test get their HTTPS certificates from the exchange's transport CA.
      EDX_HTTPS_CA_DIR: transportDir(this.dir),
      EDX_CONSOLE_ADMIN_TOKEN_SHA256: createHash('sha256').update(this.adminToken).digest('hex'),
      EDX_CONSOLE_OPERATOR_TOKEN_SHA256: createHash('sha256').update(this.operatorToken).digest('hex'),
    });
    this.consoleApp = await createConsoleApp(consoleSettings, logger, { nestLogs: false });
    this.consoleUrl = await listen(this.consoleApp);

    const demoSystems: DemoSystem[] = systems.map((s) => ({ id: this.systemId(s.id), name: s.id, port: 0, databaseUrl: this.newDatabaseUrl(), agencies: s.agencies }));
    if (options.empty) return this;
    this.systems = await provisionSystems({ console: this.console(), pki: this.pki, dir: this.dir, systems: demoSystems, transportCa: this.transport });
    await this.startHub();
    for (const system of this.systems) await this.startGateway(system.id);
    return this;
  }

  console(): ConsoleClient {
    return new ConsoleClient(this.consoleUrl, this.adminToken, { ca: this.transport.certificatePem });
  }

  /** A DMS's call to a gateway of this exchange (see `api`), over HTTPS. */
  api<T = Record<string, unknown>>(url: string, apiKey: string, init: ApiInit = {}): Promise<{ status: number; body: T }> {
    return api<T>(this.fetch, url, apiKey, init);
  }

  /** The console's API as an operator sees it (GET, or POST with a JSON body). */
  async operator<T = Record<string, unknown>>(path: string, body?: unknown, token = this.operatorToken): Promise<{ status: number; body: T }> {
    const res = await this.fetch(`${this.consoleUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
  }

  private hubEnv(): Record<string, string> {
    return {
      ...ExchangeHarness.amqpEnv(this.amqpsUrl, this.serviceTls.hub),
      ...httpsEnv(serverFiles(this.dir, 'hub')),
      EDX_HUB_DATABASE_URL: this.hubDatabaseUrl,
      EDX_HUB_KEY_FILE: path.join(this.dir, 'hub', 'key.pem'),
      EDX_HUB_CERT_FILE: path.join(this.dir, 'hub', 'cert.pem'),
      EDX_HUB_CLIENT_CA_FILE: devBrokerTlsPaths(BROKER_TLS_DIR).caFile,
      EDX_DIRECTORY_CACHE_MS: '0',
    };
  }

  /** `extraEnv`: settings for this run, e.g. EDX_TEST_CRASH_AT for a fault test (processes mode) or EDX_REVOCATION_UNKNOWN. */
  async startHub(extraEnv: Record<string, string> = {}): Promise<RunningApp> {
    if (this.mode === 'processes') {
      const port = await freePort();
      this.hub = await spawnApp('hub', { ...this.hubEnv(), EDX_HUB_PORT: String(port), ...extraEnv }, port, this.transport.certificatePem);
    } else {
      const app = await createHubApp(loadHubSettings({ ...this.hubEnv(), ...extraEnv }), logger, { nestLogs: false });
      this.hub = inProcess(app, await listen(app));
    }
    this.hubUrl = this.hub.url;
    return this.hub;
  }

  async stopHub(): Promise<void> {
    await this.hub?.stop();
    this.hub = undefined;
  }

  /** The health and metrics URLs of every hub copy running. */
  hubUrls(): string[] {
    return [...(this.hub ? [this.hub.url] : []), ...this.hubCopies.map((c) => c.url)];
  }

  /** Another hub copy (in this process) competing for hub.inbound; stopped with the exchange. */
  async startHubCopy(extraEnv: Record<string, string> = {}): Promise<RunningApp> {
    const app = await createHubApp(loadHubSettings({ ...this.hubEnv(), ...extraEnv }), logger, { nestLogs: false });
    const copy = inProcess(app, await listen(app));
    this.hubCopies.push(copy);
    return copy;
  }

  async startGateway(systemId: string, extraEnv: Record<string, string> = {}): Promise<RunningGateway> {
    const system = this.systems.find((s) => s.id === systemId)!;
    // The hub's blob API (claim checks): the hub is started first.
    const https = { ...httpsEnv(serverFiles(this.dir, gatewayServerName(systemId))), ...(this.hubUrl ? { EDX_HUB_URL: this.hubUrl } : {}) };
    let app: RunningApp;
    if (this.mode === 'processes') {
      const port = await freePort();
      app = await spawnApp('gateway', { ...https, EDX_GATEWAY_CONFIG: system.configFile, EDX_GATEWAY_PORT: String(port), EDX_BROKER_MAX_MESSAGE_BYTES: BROKER_MAX_MESSAGE_BYTES, ...extraEnv }, port, this.transport.certificatePem);
    } else {
      const nest = await createGatewayApp(loadGatewaySettings({ ...https, EDX_BROKER_MAX_MESSAGE_BYTES: BROKER_MAX_MESSAGE_BYTES, ...extraEnv }), loadGatewayConfig(system.configFile), logger, { nestLogs: false });
      app = inProcess(nest, await listen(nest));
    }
    const running: RunningGateway = { ...app, stop: app.stop, kill: app.kill, systemId, configFile: system.configFile };
    this.gateways.set(systemId, running);
    return running;
  }

  async stopGateway(systemId: string): Promise<void> {
    await this.gateways.get(systemId)?.stop();
    this.gateways.delete(systemId);
  }

  gateway(baseId: string): RunningGateway {
    const g = this.gateways.get(this.systemId(baseId));
    if (!g) throw new Error(`gateway ${baseId} is not running`);
    return g;
  }

  apiKey(agencyCode: string): string {
    for (const s of this.systems) for (const a of s.agencies) if (a.code === agencyCode) return a.apiKey;
    throw new Error(`no agency ${agencyCode}`);
  }

  /** The signing identity the gateway uses for a hosted agency (envelope signatures). */
  identityOf(agencyCode: string): SigningIdentity {
    for (const s of this.systems) {
      const a = s.agencies.find((x) => x.code === agencyCode);
      if (a) return loadIdentity({ pem: { key: readFileSync(a.keyFile, 'utf8'), cert: readFileSync(a.certFile, 'utf8') } });
    }
    throw new Error(`no agency ${agencyCode}`);
  }

  /** The names of the databases this exchange made (the hub's and each gateway's). */
  databaseNames(): string[] {
    return this.databases.map((url) => decodeURIComponent(new URL(url).pathname.slice(1)));
  }

  /** Reads the hub database (assertions only: the apps never read each other's tables). */
  async hubQuery<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.hubDatabaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** An administrator's broker connection on this exchange's vhost (to act as the hub or as an intruder would). */
  async adminConnection(): Promise<AmqpConnection> {
    const connection = new AmqpConnection({ url: this.amqpUrl, connectionName: `e2e-admin-${this.suffix}` }, logger);
    await connection.start();
    return connection;
  }

  /** A broker connection as a system's own least-privilege user, with its certificate (to publish like its gateway would). */
  async connectAs(baseId: string): Promise<AmqpConnection> {
    const config = loadGatewayConfig(this.systems.find((s) => s.id === this.systemId(baseId))!.configFile);
    const connection = new AmqpConnection({ ...gatewayBrokerOf(config, false), connectionName: `e2e-${baseId}` }, logger);
    await connection.start();
    return connection;
  }

  async stop(): Promise<void> {
    for (const id of [...this.gateways.keys()]) await this.stopGateway(id).catch(() => undefined);
    await this.stopHub().catch(() => undefined);
    for (const copy of this.hubCopies.splice(0)) await copy.stop().catch(() => undefined);
    await this.consoleApp?.close().catch(() => undefined);
    await this.admin.deleteVhost(this.vhost).catch(() => undefined);
    for (const s of this.systems) await this.admin.deleteSystemUsers(s.id).catch(() => undefined);
    for (const user of [this.serviceUsers.hub, this.serviceUsers.console]) await this.admin.deleteUser(user).catch(() => undefined);
    for (const url of this.databases) await dropDatabase(url).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits until `probe` returns a value (not undefined/false), polling; fails with `what` after the timeout. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
