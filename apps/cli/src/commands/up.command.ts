import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EdxError, privateDirectory, writePrivateFile } from '@edx/common';
import { BrokerAdmin, devBrokerTlsPaths, issueBrokerClientFiles, loadDevTransportCa } from '@edx/messaging';
import { TransportCa, createDevPki, encryptPrivateKey } from '@edx/trust';
import { CliSettings, loadCliSettings } from '../cli.env';
import { Command, OptionTable, parseOptions } from '../command';
import { ConsoleClient } from '../demo/console-client';
import { gatewayServerName, provisionSystems } from '../demo/demo-setup';
import { AppProcess, launchApp, waitHealthy } from '../processes/app-process';
import { directoryProblems, hubKeyFiles, HUB_CODE, keyPassphraseFile, localProblems } from '../up/consistency';
import { crashPoint } from '../up/crash-point';
import { DemoPlan, demoPlan, serviceTransportDir } from '../up/demo-plan';
import { MANAGEMENT_TLS_PORT, ensureLocalBrokerTls } from '../broker/local-broker-tls';
import { ensureLocalDatabaseTls } from '../database/local-database-tls';
import { ExchangeMark, markDatabase, markVhost } from '../up/exchange-mark';
import { DemoFile, inspectExchange, resetExchange, resetHint } from '../up/local-exchange';
import { httpsEnv, serverFiles, transportCaFile, transportDir, writeServerCertificate } from '../up/transport-files';
import { brokerMaxMessageBytes, brokerPrerequisite, brokerTlsPrerequisite, databaseTlsPrerequisite, isLocalHost, ensurePrerequisites, managementPrerequisite, messageSizePrerequisite, postgresPrerequisite } from '../up/prerequisites';

const UP_OPTIONS = {
  dir: { type: 'string', value: 'DIR', default: '.edx', help: 'the folder holding the dev PKI, keys, gateway configurations and demo.json' },
  reset: { type: 'boolean', help: "drop the demo's databases, vhost and broker users, delete the folder, and start over" },
} as const satisfies OptionTable;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Apps run from the same form as this CLI: compiled (npm start) or TypeScript sources (npx edx before a build, tests). */
const APP_FORM = __filename.endsWith('.ts') ? 'sources' : 'dist';

/**
 * `edx up` (what `npm start` runs). Checks the machine (and fixes what it can locally), then:
 * - first run: marks the demo's databases and vhost as `provisioning`, builds `.edx/` aside, onboards
 *   the demo through the console, renames the folder into place and marks the hub database `ready`:
 *   a run that dies on the way leaves nothing a later run trusts (the next start removes it);
 * - later runs: check that `.edx/` hangs together and matches the directory, then start everything.
 * An exchange this `.edx/` did not make is named, never taken over; `--reset` starts over.
 */
export const upCommand: Command = {
  name: 'up',
  summary: 'run hub, console and two demo gateways on this machine (what `npm start` does)',
  usage: 'up [--dir DIR] [--reset] [--json]',
  description:
    'Runs the whole exchange on this machine until Ctrl-C: the console (8080), the hub (8082) and two demo gateways (8081, 8083). ' +
    'It first makes sure PostgreSQL and RabbitMQ answer, that RabbitMQ\'s management API is on and that its TLS listener (5671) takes client certificates, and that PostgreSQL takes verified TLS connections; on a local broker and database it enables the plugin and sets up both itself (as `edx broker tls` and `edx database tls` do) and says what it changed. ' +
    'Every app then connects over TLS with its own client certificate. ' +
    'The first run makes a dev PKI and the demo agencies and writes their URLs and API keys to .edx/demo.json; it is all or nothing: a run that dies part-way leaves nothing a later run trusts. ' +
    'Every app serves HTTPS only, with a certificate of the dev transport CA the first run makes in .edx/pki/transport/ (clients trust its ca.pem: curl --cacert, and the edx verbs by default). ' +
    'Every later run checks that .edx/ still hangs together (certificates, gateway configurations, the directory) before it starts anything. ' +
    'Settings: EDX_AMQP_URL, EDX_AMQP_MANAGEMENT_URL, EDX_DATABASE_ROOT, EDX_HUB_DATABASE_URL, the EDX_*_PORT settings (README, "Configuration").',
  options: UP_OPTIONS,
  examples: ['edx up', 'edx up --reset', 'EDX_CONSOLE_PORT=9080 edx up --dir /tmp/edx-demo'],
  async run({ args, print }) {
    const { values } = parseOptions(args, UP_OPTIONS);
    const settings = loadCliSettings();
    const plan = demoPlan(settings, values.dir);
    await ensurePrerequisites(
      [
        postgresPrerequisite(settings.databaseRoot),
        databaseTlsPrerequisite(settings.databaseRoot, async () => (await ensureLocalDatabaseTls({ brokerTlsDir: settings.brokerTlsDir, dir: settings.databaseTlsDir, databaseRoot: settings.databaseRoot })).changed),
        brokerPrerequisite(plan.amqpUrl),
        managementPrerequisite(plan.managementUrl, plan.amqpUrl),
        messageSizePrerequisite(plan.amqpUrl),
        brokerTlsPrerequisite(plan.amqpsUrl, devBrokerTlsPaths(plan.brokerTlsDir).caFile, async () => (await ensureLocalBrokerTls({ dir: plan.brokerTlsDir, confFile: settings.rabbitmqConf })).changed),
      ],
      print,
    );
    // Provisioning after the prerequisites: a local broker's API over HTTPS by then, so the password stays off the wire.
    const admin = new BrokerAdmin(managementOf(plan));
    if (values.reset) {
      print(`edx up --reset: dropping the demo's databases, vhost ${plan.vhost} and broker users, and deleting ${plan.dir}`);
      await resetExchange(plan, admin);
    }
    let state = await inspectExchange(plan, admin);
    if (state.kind === 'foreign') throw new EdxError('EXCHANGE_INCONSISTENT', `${state.explanation} ${resetHint(plan)}`);
    if (state.kind === 'unfinished') {
      print(`edx up: an earlier first run did not finish; removing what it left (${state.remains.join(', ')}) and starting over`);
      await resetExchange(plan, admin);
      state = { kind: 'fresh' };
    }

    const running: AppProcess[] = [];
    const stopAll = () => running.forEach((m) => void m.stop());
    process.once('SIGINT', stopAll);
    process.once('SIGTERM', stopAll);
    try {
      let demo: DemoFile;
      if (state.kind === 'fresh') {
        demo = await firstRun(plan, settings, admin, running, print);
      } else {
        demo = state.demo;
        const problems = localProblems(plan, demo);
        if (problems.length) throw inconsistent(plan, problems);
        running.push(startConsole(plan, demo, plan.dir));
        await waitHealthy(running[0]);
      }
      const directory = await directoryProblems(demo, new ConsoleClient(demo.console.url, demo.console.adminToken, { ca: transportCa(plan.dir) }), plan.dir);
      if (directory.length) throw inconsistent(plan, directory);
      await startExchange(plan, demo, running);
      printWelcome(plan, demo, print);
    } catch (error) {
      stopAll();
      throw error;
    }
    await Promise.all(running.map((m) => m.exited));
    return { ok: true, message: 'stopped' };
  },
};

function inconsistent(plan: DemoPlan, problems: string[]): EdxError {
  return new EdxError('EXCHANGE_INCONSISTENT', `${plan.dir} does not hang together:\n  - ${problems.join('\n  - ')}\n${resetHint(plan)}`, { problems });
}

/** Builds the exchange in the staging folder, commits it by renaming it into place, then marks it ready. */
async function firstRun(plan: DemoPlan, settings: CliSettings, admin: BrokerAdmin, running: AppProcess[], print: (line: string) => void): Promise<DemoFile> {
  print(`first run: making the dev PKI and onboarding the demo systems and agencies into ${plan.dir}`);
  const mark: ExchangeMark = { id: randomUUID(), state: 'provisioning', dir: plan.dir, createdAt: new Date().toISOString() };
  await markDatabase(plan.hubDatabaseUrl, mark);
  for (const s of plan.systems) await markDatabase(s.databaseUrl, mark);
  await markVhost(admin, plan.vhost, mark);
  // The hub and the console connect as their own least-privilege users, never as the broker's admin:
  // no password, each logs in with its certificate from the machine's dev transport CA.
  const broker = { hub: { user: plan.serviceUsers.hub }, console: { user: plan.serviceUsers.console } };
  for (const service of Object.values(broker)) await admin.ensureServiceUser(plan.vhost, service.user);
  crashPoint('up:after-marks', settings.crashAt, running);

  const staging = plan.stagingDir;
  rmSync(staging, { recursive: true, force: true });
  privateDirectory(staging);
  const brokerCa = loadDevTransportCa(plan.brokerTlsDir);
  const pki = createDevPki();
  pki.save(path.join(staging, 'pki'));
  const hub = pki.issue({ code: HUB_CODE, name: 'edx exchange hub', kind: 'organisation' });
  // Private keys at rest are encrypted; the passphrase file stands in for a secret the operator keeps elsewhere.
  const keyPassphrase = randomBytes(32).toString('base64url');
  writePrivateFile(keyPassphraseFile(staging), `${keyPassphrase}\n`);
  for (const service of Object.values(broker)) issueBrokerClientFiles(brokerCa, serviceTransportDir(staging, service.user), service.user, { passphrase: keyPassphrase });
  const hubFiles = hubKeyFiles(staging);
  privateDirectory(path.dirname(hubFiles.key));
  writePrivateFile(hubFiles.key, encryptPrivateKey(hub.keyPem, keyPassphrase));
  writeFileSync(hubFiles.cert, hub.certificatePem);
  // HTTPS everywhere: a transport CA apart from the signing PKI, and a server certificate per app.
  const transport = TransportCa.create({ name: 'edx dev transport CA' });
  transport.save(transportDir(staging));
  for (const app of ['console', 'hub']) writeServerCertificate(transport, staging, app, keyPassphrase);

  const tokens = { adminToken: `adm_${randomBytes(24).toString('base64url')}`, operatorToken: `op_${randomBytes(24).toString('base64url')}` };
  const consoleUrl = `https://127.0.0.1:${plan.ports.console}`;
  const partial: Omit<DemoFile, 'gateways'> = {
    exchangeId: mark.id,
    createdAt: mark.createdAt,
    console: { url: consoleUrl, ...tokens },
    hub: { url: `https://127.0.0.1:${plan.ports.hub}` },
    broker,
  };
  running.push(startConsole(plan, { ...partial, gateways: [] }, staging));
  await waitHealthy(running[0]);
  const provisioned = await provisionSystems({
    console: new ConsoleClient(consoleUrl, tokens.adminToken, { ca: transport.certificatePem }),
    pki,
    dir: staging,
    systems: plan.systems,
    keyPassphrase,
    transportCa: transport,
    log: print,
    afterSystem: (id) => (id === plan.systems[0].id ? crashPoint('up:after-first-system', settings.crashAt, running) : undefined),
  });
  crashPoint('up:after-onboarding', settings.crashAt, running);

  const inFolder = (file: string) => path.relative(staging, file);
  const demo: DemoFile = {
    ...partial,
    gateways: provisioned.map((g) => ({
      ...g,
      configFile: inFolder(g.configFile),
      agencies: g.agencies.map((a) => ({ ...a, keyFile: inFolder(a.keyFile), certFile: inFolder(a.certFile) })),
    })),
  };
  const problems = localProblems(plan, demo, staging);
  if (problems.length) throw inconsistent(plan, problems);
  writePrivateFile(path.join(staging, 'demo.json'), JSON.stringify(demo, null, 2));
  crashPoint('up:before-commit', settings.crashAt, running);
  renameSync(staging, plan.dir);
  crashPoint('up:after-commit', settings.crashAt, running);
  // The console read its broker certificate in the staging folder; it reads it again at every reconnect, so from where it now is.
  await running[0].stop();
  running[0] = startConsole(plan, demo, plan.dir);
  await waitHealthy(running[0]);
  await markDatabase(plan.hubDatabaseUrl, { ...mark, state: 'ready' });
  for (const s of plan.systems) await markDatabase(s.databaseUrl, { ...mark, state: 'ready' });
  await markVhost(admin, plan.vhost, { ...mark, state: 'ready' });
  return demo;
}

/** The transport CA's certificate in `dir` (PEM), which every app's HTTPS certificate chains to. */
function transportCa(dir: string): string {
  return readFileSync(transportCaFile(dir), 'utf8');
}

/** The console, from the files in `dir` (the staging folder on a first run). */
function startConsole(plan: DemoPlan, demo: DemoFile, dir: string): AppProcess {
  return launchApp('console', {
    port: plan.ports.console,
    from: APP_FORM,
    ca: transportCa(dir),
    env: {
      ...commonEnv(plan),
      ...managementTlsEnv(plan),
      ...brokerEnv(plan, demo.broker.console.user, dir),
      ...httpsEnv(serverFiles(dir, 'console')),
      ...keyEnv(dir),
      EDX_CONSOLE_PORT: String(plan.ports.console),
      // Enrolment issues each system's broker certificate from the local broker's dev CA.
      EDX_TRANSPORT_CA_DIR: devBrokerTlsPaths(plan.brokerTlsDir).caDir,
      // ...and a gateway enrolled with `--host` its HTTPS certificate from the demo's transport CA.
      EDX_HTTPS_CA_DIR: transportDir(dir),
      EDX_CONSOLE_ADMIN_TOKEN_SHA256: sha256(demo.console.adminToken),
      EDX_CONSOLE_OPERATOR_TOKEN_SHA256: sha256(demo.console.operatorToken),
    },
  });
}

function commonEnv(plan: DemoPlan): Record<string, string> {
  return { EDX_AMQP_MANAGEMENT_URL: plan.managementUrl, EDX_HUB_DATABASE_URL: plan.hubDatabaseUrl };
}

/**
 * Where `edx up` and the console reach the broker's management API: a local broker's over HTTPS
 * (15671, which `edx broker tls` opens) trusting the machine's CA, so the administrator's password
 * never crosses a socket in clear; a remote one as configured.
 */
function managementOf(plan: DemoPlan): { managementUrl: string; caFile?: string } {
  const url = new URL(plan.managementUrl);
  if (url.protocol !== 'http:' || !isLocalHost(url.hostname) || !isLocalHost(new URL(plan.amqpsUrl).hostname)) return { managementUrl: plan.managementUrl };
  url.protocol = 'https:';
  url.port = String(MANAGEMENT_TLS_PORT);
  return { managementUrl: url.toString().replace(/\/$/, ''), caFile: devBrokerTlsPaths(plan.brokerTlsDir).caFile };
}

function managementTlsEnv(plan: DemoPlan): Record<string, string> {
  const { managementUrl, caFile } = managementOf(plan);
  return caFile ? { EDX_AMQP_MANAGEMENT_URL: managementUrl, EDX_AMQP_MANAGEMENT_CA_FILE: caFile } : {};
}

/** The hub's or the console's broker connection: the TLS listener, by its certificate in `.edx/transport/<user>/`. */
function brokerEnv(plan: DemoPlan, user: string, dir = plan.dir): Record<string, string> {
  const files = serviceTransportDir(dir, user);
  return {
    EDX_AMQP_URL: plan.amqpsUrl,
    EDX_AMQP_CA_FILE: path.join(files, 'transport-ca.pem'),
    EDX_AMQP_CERT_FILE: path.join(files, 'transport-cert.pem'),
    EDX_AMQP_KEY_FILE: path.join(files, 'transport-key.pem'),
  };
}

/** Where the apps read the keys' passphrase (none for a folder made before keys were encrypted). */
function keyEnv(dir: string): Record<string, string> {
  const file = keyPassphraseFile(dir);
  return existsSync(file) ? { EDX_KEY_PASSPHRASE_FILE: file } : {};
}

/** The hub and every gateway; resolves when all of them (and the console) answer /health. */
async function startExchange(plan: DemoPlan, demo: DemoFile, running: AppProcess[]): Promise<void> {
  const hubFiles = hubKeyFiles(plan.dir);
  const brokerLimit = brokerMaxMessageBytes(plan.amqpUrl);
  const ca = transportCa(plan.dir);
  running.push(
    launchApp('hub', {
      port: plan.ports.hub,
      from: APP_FORM,
      ca,
      env: {
        ...httpsEnv(serverFiles(plan.dir, 'hub')),
        ...commonEnv(plan),
        ...brokerEnv(plan, demo.broker.hub.user),
        EDX_HUB_PORT: String(plan.ports.hub),
        EDX_HUB_KEY_FILE: hubFiles.key,
        EDX_HUB_CERT_FILE: hubFiles.cert,
        EDX_HUB_CLIENT_CA_FILE: devBrokerTlsPaths(plan.brokerTlsDir).caFile,
        ...keyEnv(plan.dir),
      },
    }),
  );
  for (const g of demo.gateways) {
    const port = Number(new URL(g.url).port);
    running.push(
      launchApp('gateway', {
        name: `gateway ${g.id}`,
        port,
        from: APP_FORM,
        ca,
        // The gateways refuse at their API what this broker would refuse (its limit, when it can be read here).
        env: {
          EDX_GATEWAY_CONFIG: path.join(plan.dir, g.configFile),
          EDX_GATEWAY_PORT: String(port),
          EDX_HUB_URL: `https://127.0.0.1:${plan.ports.hub}`,
          ...httpsEnv(serverFiles(plan.dir, gatewayServerName(g.id))),
          ...keyEnv(plan.dir),
          ...(brokerLimit ? { EDX_BROKER_MAX_MESSAGE_BYTES: String(brokerLimit) } : {}),
        },
      }),
    );
  }
  await Promise.all(running.map((m) => waitHealthy(m)));
}

function printWelcome(plan: DemoPlan, demo: DemoFile, print: (line: string) => void): void {
  print('');
  print(`console  ${demo.console.url}   (docs /docs)  admin token ${demo.console.adminToken}`);
  print(`hub      ${demo.hub.url}   (health, metrics)`);
  for (const g of demo.gateways) {
    print(`gateway  ${g.url}   (docs /docs)  system ${g.id}`);
    for (const a of g.agencies) print(`           ${a.code.padEnd(15)} ${a.name.padEnd(24)} x-api-key: ${a.apiKey}`);
  }
  print(`HTTPS: every certificate chains to ${path.relative(process.cwd(), transportCaFile(plan.dir))} (curl --cacert; the edx verbs use it by default)`);
  print(`\nwritten to ${path.relative(process.cwd(), path.join(plan.dir, 'demo.json')) || 'demo.json'}; Ctrl-C stops everything`);
}
