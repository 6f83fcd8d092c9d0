import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as amqp from 'amqplib';
import { gatewayBrokerOf, loadGatewayConfig } from '@edx/common';
import { AmqpTlsFiles, Topology, certificateUser, issueBrokerClientFiles, systemUserName, tlsSocketOptions } from '@edx/messaging';
import { enrolGateway } from '../apps/cli/src/gateway/gateway-folder';
import { TransportCa } from '@edx/trust';
import { ExchangeHarness, eventually } from './support/exchange.harness';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const R = '000.00.00.H53';

/**
 * The broker's side of transport security, on the real broker's TLS listener: who may connect, as
 * whom, and what a certificate lets it do. Every refusal is checked next to the same attempt with a
 * good certificate succeeding, so each one is refused for the reason the test names.
 */
describe('AMQPS with client certificates (real broker)', () => {
  const exchange = new ExchangeHarness('in-process', 'e2e_h20a');
  const models: amqp.ChannelModel[] = [];

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
      { id: 'sys-r', agencies: [{ code: R, name: 'UBND tỉnh Tây Ninh' }] },
    ]);
  });
  afterAll(async () => {
    for (const m of models) await m.close().catch(() => undefined);
    await exchange.stop();
  });

  /** One connection attempt as a client with these files (EXTERNAL when it has a certificate); no retry. */
  const connect = async (files: { caFile: string; certFile?: string; keyFile?: string }, url = exchange.amqpsUrl): Promise<amqp.ChannelModel> => {
    const model = await amqp.connect(url, { ...tlsSocketOptions(files), ...(files.certFile ? { credentials: amqp.credentials.external() } : {}) });
    model.on('error', () => undefined);
    models.push(model);
    return model;
  };
  const filesOf = (baseId: string): AmqpTlsFiles => gatewayBrokerOf(loadGatewayConfig(exchange.systems.find((s) => s.id === exchange.systemId(baseId))!.configFile), false).tls!;
  /** The broker user of a system's first enrolment (the certificate's CN). */
  const userOf = (baseId: string) => systemUserName(exchange.systemId(baseId), 1);
  const folder = (name: string) => path.join(exchange.dir, 'attempts', name);
  /** Resolves with the reason the broker closed a channel for what `act` did on it. */
  const channelRefusal = async (model: amqp.ChannelModel, act: (ch: amqp.ConfirmChannel) => Promise<unknown>): Promise<string> => {
    const ch = await model.createConfirmChannel();
    const closed = new Promise<string>((resolve) => ch.once('error', (error: Error) => resolve(error.message)));
    await act(ch).catch(() => undefined);
    return closed;
  };

  it("lets a system in with its own certificate, as its own broker user (the certificate's CN)", async () => {
    const model = await connect(filesOf('sys-a'));
    await eventually('the connection listed as system A', async () => (await exchange.admin.listConnections(exchange.vhost)).some((c) => c.user === userOf('sys-a') && c.ssl === true));
    await model.close();
  });

  it('refuses a TLS connection without a client certificate, before any login', async () => {
    const { caFile } = filesOf('sys-a');
    await expect(connect({ caFile })).rejects.toThrow(/alert certificate required/);
  });

  it("does not let system A's certificate read B's inbox or publish as B", async () => {
    const model = await connect(filesOf('sys-a'));
    expect(await channelRefusal(model, (ch) => ch.consume(Topology.systemInbox(exchange.systemId('sys-b')), () => undefined))).toMatch(/403 \(ACCESS-REFUSED\)/);
    expect(
      await channelRefusal(model, async (ch) => {
        ch.publish(Topology.hubExchange, Topology.packageKey, Buffer.from('spoof'), { messageId: 'spoof-1', userId: userOf('sys-b') });
        await ch.waitForConfirms();
      }),
    ).toMatch(/406 \(PRECONDITION-FAILED\).*user_id/);
  });

  it('refuses an expired client certificate in the TLS handshake (as it is after its renewal date has passed unrenewed)', async () => {
    const expired = issueBrokerClientFiles(exchange.transportCa, folder('expired'), userOf('sys-a'), { validFrom: new Date(Date.now() - 10 * 86_400_000), validDays: 1 });
    await expect(connect(expired)).rejects.toThrow(/alert certificate expired/);
  });

  it('refuses a certificate from another CA: an agency signing certificate of the document PKI, or another transport CA', async () => {
    const signing = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ', kind: 'organisation' });
    mkdirSync(folder('signing'), { recursive: true });
    const signingFiles = { caFile: filesOf('sys-a').caFile, certFile: path.join(folder('signing'), 'cert.pem'), keyFile: path.join(folder('signing'), 'key.pem') };
    writeFileSync(signingFiles.certFile, signing.certificatePem);
    writeFileSync(signingFiles.keyFile, signing.keyPem);
    await expect(connect(signingFiles)).rejects.toThrow(/alert unknown ca/);

    const other = issueBrokerClientFiles(TransportCa.create({ name: 'someone else\'s transport CA' }), folder('other-ca'), userOf('sys-a'));
    await expect(connect({ ...other, caFile: filesOf('sys-a').caFile })).rejects.toThrow(/alert unknown ca/);
  });

  it('refuses plain AMQP as a system user: it has no password', async () => {
    const plain = (password: string) => {
      const url = new URL(exchange.amqpUrl);
      url.username = encodeURIComponent(userOf('sys-a'));
      url.password = password;
      return amqp.connect(url.toString());
    };
    await expect(plain('')).rejects.toThrow(/ACCESS.REFUSED|403/);
    await expect(plain('guess')).rejects.toThrow(/ACCESS.REFUSED|403/);
  });

  it("revokes a system's transport certificate from the console: its open connection is closed and the next one refused", async () => {
    const files = filesOf('sys-r');
    const model = await connect(files);
    const closed = new Promise<void>((resolve) => model.once('close', () => resolve()));
    await eventually('the management API to list system R', async () => (await exchange.admin.listConnections(exchange.vhost)).some((c) => c.user === userOf('sys-r')));
    const res = await exchange.fetch(`${exchange.consoleUrl}/v1/systems/${exchange.systemId('sys-r')}/transport/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${exchange.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'The gateway host was stolen.' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: exchange.systemId('sys-r'), amqpUser: userOf('sys-r') });
    await closed;
    await expect(connect(files)).rejects.toThrow(/ConnectionClose|ACCESS.REFUSED|403/);
    // The revoked gateway stays out (it keeps trying), while the others stay connected.
    await eventually('only systems A and B connected', async () => {
      const users = new Set((await exchange.admin.listConnections(exchange.vhost)).map((c) => c.user));
      return !users.has(userOf('sys-r')) && users.has(userOf('sys-a')) && users.has(userOf('sys-b'));
    });
    const unknown = await exchange.fetch(`${exchange.consoleUrl}/v1/systems/no-such-system/transport/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${exchange.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'x' }),
    });
    expect([unknown.status, (await unknown.json()).code]).toEqual([404, 'NOT_FOUND']);
  });

  it("leaves an earlier enrolment's certificate opening nothing once the system enrolled again, even after a revocation", async () => {
    // A copy of the revoked certificate, as a thief would keep it (the folder's files are about to be replaced).
    const kept = filesOf('sys-r');
    mkdirSync(folder('kept-r'), { recursive: true });
    const copy = (file: string) => {
      const to = path.join(folder('kept-r'), path.basename(file));
      writeFileSync(to, readFileSync(file));
      return to;
    };
    const old: AmqpTlsFiles = { caFile: copy(kept.caFile), certFile: copy(kept.certFile!), keyFile: copy(kept.keyFile!) };
    // The revoked system enrols anew from the same folder (the same key): a new broker user, so the revoked certificate stays dead.
    const again = await exchange.console().newEnrolmentToken(exchange.systemId('sys-r'));
    const system = exchange.systems.find((s) => s.id === exchange.systemId('sys-r'))!;
    await enrolGateway({ consoleUrl: exchange.consoleUrl, consoleCa: exchange.transport.certificatePem, token: again.token, dir: path.dirname(system.configFile) });
    const renewed = filesOf('sys-r');
    expect(certificateUser(renewed.certFile!)).toBe(systemUserName(exchange.systemId('sys-r'), 2));
    await expect(connect(old)).rejects.toThrow(/ConnectionClose|ACCESS.REFUSED|403/);
    await (await connect(renewed)).close();
  });
});
