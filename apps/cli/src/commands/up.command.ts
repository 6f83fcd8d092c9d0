import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BrokerAdmin } from '@edx/messaging';
import { dropDatabase } from '@edx/storage';
import { DevPki, createDevPki } from '@edx/trust';
import { Command, parseOptions } from '../command';
import { ConsoleClient } from '../demo/console-client';
import { DEMO_SYSTEMS, ProvisionedSystem, provisionSystems } from '../demo/demo-setup';
import { AppProcess, launchApp, waitHealthy } from '../processes/app-process';

interface DemoFile {
  readonly createdAt: string;
  readonly console: { url: string; adminToken: string; operatorToken: string };
  readonly hub: { url: string };
  readonly gateways: ProvisionedSystem[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * `edx up` (what `npm start` runs): on first run makes a dev PKI and the demo (hub, console, two
 * connected systems: sys-a hosting one agency, sys-b hosting two), writes `.edx/demo.json`, then runs
 * every process until Ctrl-C. Later runs reuse `.edx/`; `--reset` starts over (drops the demo
 * databases and the vhost).
 */
export const upCommand: Command = {
  name: 'up',
  summary: 'run hub, console and two demo gateways on this machine (what `npm start` does)',
  usage: 'up [--dir .edx] [--reset]',
  async run({ args, print }) {
    const { values } = parseOptions(args, { dir: { type: 'string' }, reset: { type: 'boolean' } });
    const dir = path.resolve(values.dir ?? '.edx');
    const demoFile = path.join(dir, 'demo.json');
    const amqpUrl = process.env.EDX_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672/edx';
    const managementUrl = process.env.EDX_AMQP_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';
    const databaseRoot = process.env.EDX_DATABASE_ROOT ?? 'postgres://postgres@127.0.0.1:5432';
    const hubDatabaseUrl = process.env.EDX_HUB_DATABASE_URL ?? `${databaseRoot}/edx_hub`;
    const systems = DEMO_SYSTEMS(databaseRoot);

    if (values.reset) {
      print('resetting the demo: dropping its databases and vhost');
      for (const url of [hubDatabaseUrl, ...systems.map((s) => s.databaseUrl)]) await dropDatabase(url);
      await new BrokerAdmin({ managementUrl }).deleteVhost(decodeURIComponent(new URL(amqpUrl).pathname.slice(1)) || '/');
      for (const s of systems) await new BrokerAdmin({ managementUrl }).deleteUser(`system.${s.id}`).catch(() => undefined);
      if (existsSync(demoFile)) writeFileSync(demoFile, '');
    }
    const existing: DemoFile | undefined = existsSync(demoFile) && readFileSync(demoFile, 'utf8').trim() ? JSON.parse(readFileSync(demoFile, 'utf8')) : undefined;

    mkdirSync(dir, { recursive: true });
    const pkiDir = path.join(dir, 'pki');
    const pki: DevPki = existing && existsSync(path.join(pkiDir, 'state.json')) ? DevPki.load(pkiDir) : createDevPki();
    pki.save(pkiDir);
    const hubKey = path.join(pkiDir, 'hub', 'key.pem');
    const hubCert = path.join(pkiDir, 'hub', 'cert.pem');
    if (!existsSync(hubKey)) {
      const hub = pki.issue({ code: 'edx.hub', name: 'edx exchange hub', kind: 'organisation' });
      mkdirSync(path.dirname(hubKey), { recursive: true });
      writeFileSync(hubKey, hub.keyPem, { mode: 0o600 });
      writeFileSync(hubCert, hub.certificatePem);
    }
    const adminToken = existing?.console.adminToken ?? `adm_${randomBytes(24).toString('base64url')}`;
    const operatorToken = existing?.console.operatorToken ?? `op_${randomBytes(24).toString('base64url')}`;
    const common = { EDX_AMQP_URL: amqpUrl, EDX_AMQP_MANAGEMENT_URL: managementUrl, EDX_HUB_DATABASE_URL: hubDatabaseUrl };
    const running: AppProcess[] = [];
    const stopAll = () => running.forEach((m) => void m.stop());
    process.once('SIGINT', stopAll);
    process.once('SIGTERM', stopAll);

    try {
      const consoleApp = launchApp('console', { port: 8080, env: { ...common, EDX_CONSOLE_ADMIN_TOKEN_SHA256: sha256(adminToken), EDX_CONSOLE_OPERATOR_TOKEN_SHA256: sha256(operatorToken) } });
      running.push(consoleApp);
      await waitHealthy(consoleApp);
      let gateways = existing?.gateways;
      if (!gateways) {
        print('first run: onboarding the demo systems and agencies');
        gateways = await provisionSystems({ console: new ConsoleClient('http://127.0.0.1:8080', adminToken), pki, dir, systems, log: print });
      }
      const hubApp = launchApp('hub', { port: 8082, env: { ...common, EDX_HUB_KEY_FILE: hubKey, EDX_HUB_CERT_FILE: hubCert } });
      running.push(hubApp);
      for (const g of gateways) {
        const port = Number(new URL(g.url).port);
        running.push(launchApp('gateway', { name: `gateway ${g.id}`, port, env: { EDX_GATEWAY_CONFIG: g.configFile, EDX_GATEWAY_PORT: String(port) } }));
      }
      await Promise.all(running.map((m) => waitHealthy(m)));
      const demo: DemoFile = {
        createdAt: existing?.createdAt ?? new Date().toISOString(),
        console: { url: 'http://127.0.0.1:8080', adminToken, operatorToken },
        hub: { url: 'http://127.0.0.1:8082' },
        gateways,
      };
      writeFileSync(demoFile, JSON.stringify(demo, null, 2), { mode: 0o600 });
      print('');
      print(`console  http://127.0.0.1:8080   (docs /docs)  admin token ${adminToken}`);
      print(`hub      http://127.0.0.1:8082   (health, metrics)`);
      for (const g of gateways) {
        print(`gateway  ${g.url}   (docs /docs)  system ${g.id}`);
        for (const a of g.agencies) print(`           ${a.code.padEnd(15)} ${a.name.padEnd(24)} x-api-key: ${a.apiKey}`);
      }
      print(`\nwritten to ${path.relative(process.cwd(), demoFile)}; Ctrl-C stops everything`);
    } catch (error) {
      stopAll();
      throw error;
    }
    await Promise.all(running.map((m) => m.exited));
    return { ok: true, message: 'stopped' };
  },
};
