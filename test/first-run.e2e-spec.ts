import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tlsFetch } from '@edx/common';
import { BrokerAdmin } from '@edx/messaging';
import { databaseUrl, dropDatabase } from '@edx/storage';
import { TEST_PG_ROOT, uniqueName } from '@edx/testing';
import { createDevPki, loadIdentityFiles, makePdf, signPdf } from '@edx/trust';
import { freePort } from '../apps/cli/src/processes/app-process';
import { api, documentFields } from './support/documents';
import { AMQP_ROOT, MANAGEMENT_URL, eventually } from './support/exchange.harness';

const ROOT = path.resolve(__dirname, '..');

/** `edx up` from sources, in a process group of its own so the test can kill it with its children. */
class EdxUp {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, ['-r', path.join(ROOT, 'bin/register-ts.js'), path.join(ROOT, 'apps/cli/src/main.ts'), 'up', ...args], {
      env: { ...process.env, EDX_LOG_LEVEL: 'warn', ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) stream.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** SIGTERM to the whole group (what Ctrl-C does), then resolves when `edx up` exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) process.kill(-this.child.pid!, 'SIGTERM');
    await this.exited;
  }
}

const managementPluginOn = async () => (await fetch('http://127.0.0.1:15672/api/overview').then((r) => r.status).catch(() => 0)) !== 0;

describe('edx up on a fresh machine: all or nothing, then a checked start every time (real broker, real databases)', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'edx-up-'));
  const dir = path.join(work, '.edx');
  const vhost = uniqueName('edx_up');
  const prefix = `up${Date.now().toString(36).slice(-5)}-`;
  const hubDatabaseUrl = databaseUrl(TEST_PG_ROOT, uniqueName('edx_up_hub'));
  const admin = new BrokerAdmin({ managementUrl: MANAGEMENT_URL });
  const runs: EdxUp[] = [];
  let env: Record<string, string>;

  const up = (args: string[] = [], extra: Record<string, string> = {}) => {
    const run = new EdxUp(['--dir', dir, ...args], { ...env, ...extra });
    runs.push(run);
    return run;
  };
  const demo = () => JSON.parse(readFileSync(path.join(dir, 'demo.json'), 'utf8'));

  beforeAll(async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    env = {
      EDX_AMQP_URL: `${AMQP_ROOT}/${vhost}`,
      EDX_AMQP_MANAGEMENT_URL: MANAGEMENT_URL,
      EDX_DATABASE_ROOT: TEST_PG_ROOT,
      EDX_HUB_DATABASE_URL: hubDatabaseUrl,
      EDX_CONSOLE_PORT: String(ports[0]),
      EDX_HUB_PORT: String(ports[1]),
      EDX_GATEWAY_PORT: String(ports[2]),
      EDX_SECOND_GATEWAY_PORT: String(ports[3]),
      EDX_DEMO_SYSTEM_PREFIX: prefix,
    };
  });

  afterAll(async () => {
    for (const run of runs) await run.stop();
    // Whatever happened above, the next test file needs the management API.
    if (!(await managementPluginOn())) spawnSync('rabbitmq-plugins', ['-q', 'enable', 'rabbitmq_management']);
    await eventually('the management API', async () => managementPluginOn(), 60_000);
    await admin.deleteVhost(vhost).catch(() => undefined);
    for (const id of ['sys-a', 'sys-b']) await admin.deleteUser(`system.${prefix}${id}`).catch(() => undefined);
    for (const url of [hubDatabaseUrl, ...['sys_a', 'sys_b'].map((s) => databaseUrl(TEST_PG_ROOT, `edx_gateway_${prefix.replace(/-/g, '_')}${s}`))]) {
      await dropDatabase(url).catch(() => undefined);
    }
    rmSync(work, { recursive: true, force: true });
  });

  /** Waits until this run printed its welcome (every app healthy), failing early if it exits. */
  const started = async (run: EdxUp) => {
    await eventually('edx up to start everything', async () => {
      if (run.child.exitCode !== null) throw new Error(`edx up exited ${run.child.exitCode}:\n${run.output}`);
      return run.output.includes('Ctrl-C stops everything');
    }, 120_000);
  };

  it('enables the management plugin itself, dies part-way without leaving anything trusted, and the next run starts clean and works', async () => {
    // The machine as it comes: RabbitMQ runs with its management plugin off.
    spawnSync('rabbitmq-plugins', ['-q', 'disable', 'rabbitmq_management']);
    await eventually('the management API to go away', async () => !(await managementPluginOn()), 60_000);

    const crashed = up([], { EDX_TEST_CRASH_AT: 'up:after-first-system' });
    await crashed.exited;
    expect(crashed.output).toContain('enabling its plugin');
    expect(crashed.output).toContain('crashing at up:after-first-system');
    expect(crashed.child.signalCode).toBe('SIGKILL');
    expect(existsSync(dir)).toBe(false); // only the unfinished staging folder was written

    const second = up();
    await started(second);
    expect(second.output).toContain('an earlier first run did not finish');

    // A document to a registered and an unregistered recipient: 01 from one, the hub's signed 02 for the other.
    const { gateways } = demo();
    const [sender] = gateways[0].agencies;
    // Keys at rest are encrypted, with the passphrase in a file only the owner reads; .edx/ is the owner's alone.
    const keyFile = path.join(dir, sender.keyFile);
    expect(readFileSync(keyFile, 'utf8')).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(readFileSync(path.join(dir, 'pki', 'hub', 'key.pem'), 'utf8')).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const secret of [keyFile, path.join(dir, 'key-passphrase'), path.join(dir, 'demo.json')]) expect(statSync(secret).mode & 0o777).toBe(0o600);
    const identity = loadIdentityFiles(keyFile, path.join(dir, sender.certFile), readFileSync(path.join(dir, 'key-passphrase'), 'utf8').trim());
    const pdf = signPdf(makePdf('Công văn thử nghiệm'), identity);
    // Every app speaks HTTPS with a certificate of the demo's transport CA.
    expect(gateways[0].url).toMatch(/^https:\/\//);
    const https = tlsFetch({ ca: readFileSync(path.join(dir, 'pki', 'transport', 'ca.pem')) });
    const sent = await api<{ id: string }>(https, `${gateways[0].url}/v1/documents`, sender.apiKey, { body: documentFields(['000.00.00.H41', '000.00.00.Z99'], pdf) });
    expect(sent.status).toBe(202);
    const receipts = await eventually('both receipts at the sender', async () => {
      const view = await api<{ recipients: Array<{ organId: string; statusCode: string | null; description: string | null }> }>(https, `${gateways[0].url}/v1/documents/${sent.body.id}`, sender.apiKey);
      return view.body.recipients.every((r) => r.statusCode) && view.body.recipients;
    });
    expect(Object.fromEntries(receipts.map((r) => [r.organId, r.statusCode]))).toEqual({ '000.00.00.H41': '01', '000.00.00.Z99': '02' });
    expect(receipts.find((r) => r.organId === '000.00.00.Z99')?.description).toMatch(/ROUTING_RECIPIENT_UNKNOWN|not registered/);
    await second.stop();
  });

  it("refuses to start when .edx/ no longer hangs together (a hub certificate from another PKI), naming it and the reset", async () => {
    const hubCert = path.join(dir, 'pki', 'hub', 'cert.pem');
    const hubKey = path.join(dir, 'pki', 'hub', 'key.pem');
    const original = { cert: readFileSync(hubCert), key: readFileSync(hubKey) };
    const stranger = createDevPki().issue({ code: 'edx.hub', name: 'edx exchange hub', kind: 'organisation' });
    writeFileSync(hubCert, stranger.certificatePem);
    writeFileSync(hubKey, stranger.keyPem);
    const run = up(['--json']);
    expect(await run.exited).toBe(1);
    const result = JSON.parse(run.output.trim().split('\n').pop()!);
    expect(result).toMatchObject({ ok: false, code: 'EXCHANGE_INCONSISTENT' });
    expect(result.message).toMatch(/hub.*CERT_UNTRUSTED/s);
    expect(result.message).toContain('npx edx up --reset');
    writeFileSync(hubCert, original.cert);
    writeFileSync(hubKey, original.key);
  });

  it('names an exchange that this .edx/ did not make (the folder was deleted), and points to the reset', async () => {
    const moved = `${dir}.moved`;
    renameSync(dir, moved);
    const run = up(['--json']);
    expect(await run.exited).toBe(1);
    const result = JSON.parse(run.output.trim().split('\n').pop()!);
    expect(result).toMatchObject({ ok: false, code: 'EXCHANGE_INCONSISTENT' });
    expect(result.message).toContain(`database ${new URL(hubDatabaseUrl).pathname.slice(1)}`);
    expect(result.message).toContain(`made for ${dir}`);
    expect(result.message).toContain('npx edx up --reset');
    renameSync(moved, dir);
  });

  it('starts the same exchange again from a consistent .edx/, and --reset starts over with a new one', async () => {
    const before = demo().exchangeId;
    const again = up();
    await started(again);
    expect(demo().exchangeId).toBe(before);
    await again.stop();
    const reset = up(['--reset']);
    await started(reset);
    expect(demo().exchangeId).not.toBe(before);
    await reset.stop();
  });
});
