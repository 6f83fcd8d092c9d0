import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Fetch, tlsFetch } from '@edx/common';
import { IssuedIdentity, TransportCa } from '@edx/trust';
import { COMMANDS } from '../apps/cli/src/commands';
import { ExchangeHarness } from './support/exchange.harness';
import { api, documentFields, signedPdf } from './support/documents';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

describe('transport security of the HTTP APIs (real exchange)', () => {
  const exchange = new ExchangeHarness('in-process', 'h20b');
  /** The CA an agency's DMS client certificates come from (the gateway's EDX_GATEWAY_CLIENT_CA_FILE). */
  const dmsCa = TransportCa.create({ name: 'DMS client CA' });
  let issuerOfA: IssuedIdentity;
  /** A DMS presenting `certificate` (and trusting the exchange's transport CA). */
  const dms = (certificate: { keyPem: string; certificatePem: string }): Fetch => tlsFetch({ ca: exchange.transport.certificatePem, cert: certificate.certificatePem, key: certificate.keyPem });
  const gatewayA = () => exchange.gateway('sys-a').url;
  const send = (client: Fetch, apiKey = '', to = [B]) => api<{ id: string; code?: string; message?: string }>(client, `${gatewayA()}/v1/documents`, apiKey, { body: documentFields(to, signedPdf(issuerOfA)) });

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
    // sys-a's gateway takes client certificates from the DMS CA beside API keys.
    const clientCaFile = path.join(exchange.dir, 'dms-client-ca.pem');
    writeFileSync(clientCaFile, dmsCa.certificatePem);
    await exchange.stopGateway(exchange.systemId('sys-a'));
    await exchange.startGateway(exchange.systemId('sys-a'), { EDX_GATEWAY_CLIENT_CA_FILE: clientCaFile });
  });
  afterAll(() => exchange.stop());

  it('serves every app over HTTPS only: plain HTTP to any of their ports gets no answer', async () => {
    const apps = { console: exchange.consoleUrl, hub: exchange.hubUrl, 'gateway a': gatewayA(), 'gateway b': exchange.gateway('sys-b').url };
    for (const [name, url] of Object.entries(apps)) {
      expect([name, url.startsWith('https://')]).toEqual([name, true]);
      expect([name, (await exchange.fetch(`${url}/health`)).status]).toEqual([name, 200]);
      const plain = url.replace('https://', 'http://');
      await expect(fetch(`${plain}/health`)).rejects.toThrow();
    }
  });

  it("talks to PostgreSQL over verified TLS only: every backend serving the exchange's databases is encrypted", async () => {
    const names = exchange.databaseNames();
    const rows = await exchange.hubQuery<{ datname: string; ssl: boolean; n: string }>(
      'SELECT a.datname, s.ssl, count(*) AS n FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.datname = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2',
      [names],
    );
    // The hub's, the console's (same database) and each gateway's pools are open, and not one connection is in clear.
    expect(new Set(rows.map((r) => r.datname))).toEqual(new Set(names));
    expect(rows.filter((r) => !r.ssl)).toEqual([]);
  });

  it('is refused by a client that trusts another CA: no app is taken for the exchange\'s', async () => {
    const stranger = tlsFetch({ ca: TransportCa.create({ name: 'someone else' }).certificatePem });
    for (const url of [exchange.consoleUrl, exchange.hubUrl, gatewayA()]) {
      await expect(stranger(`${url}/health`)).rejects.toMatchObject({ code: 'TRANSPORT_UNTRUSTED' });
    }
  });

  it('has the CLI trust the CA of --cacert, and refuse a console another CA vouches for', async () => {
    const edx = (name: string, ...args: string[]) =>
      COMMANDS.find((c) => c.name === name)!.run({ args: [...args, '--console', exchange.consoleUrl, '--token', exchange.adminToken, '--json'], json: true, print: () => undefined });
    expect(await edx('agency list', '--cacert', exchange.transportCaFile)).toMatchObject({ ok: true });
    const otherCa = path.join(exchange.dir, 'other-ca.pem');
    writeFileSync(otherCa, TransportCa.create({ name: 'someone else' }).certificatePem);
    await expect(edx('agency list', '--cacert', otherCa)).rejects.toMatchObject({ code: 'TRANSPORT_UNTRUSTED', message: expect.stringContaining(exchange.consoleUrl) });
    const notPem = path.join(exchange.dir, 'not-a-ca.pem');
    writeFileSync(notPem, 'hello');
    await expect(edx('agency list', '--cacert', notPem)).rejects.toMatchObject({ code: 'REQUEST_INVALID', message: expect.stringMatching(/not-a-ca\.pem \(--cacert\) is not a PEM certificate/) });
    const sendWith = (cacert: string) =>
      COMMANDS.find((c) => c.name === 'send')!.run({ args: [path.join(exchange.dir, 'none.edxml'), '--gateway', gatewayA(), '--api-key', exchange.apiKey(A), '--cacert', cacert, '--json'], json: true, print: () => undefined });
    writeFileSync(path.join(exchange.dir, 'none.edxml'), '<edXML/>');
    await expect(sendWith(otherCa)).rejects.toMatchObject({ code: 'TRANSPORT_UNTRUSTED' });
    await expect(sendWith(exchange.transportCaFile)).rejects.toMatchObject({ code: expect.stringMatching(/^EDXML_/) });
  });

  it('authenticates a DMS by its client certificate as the hosted agency its CN names, with no API key', async () => {
    const client = dms(dmsCa.issueKeyPair({ commonName: A, purposes: ['client'] }));
    const sent = await send(client);
    expect(sent.status).toBe(202);
    const view = await api<{ id: string }>(client, `${gatewayA()}/v1/documents/${sent.body.id}`, '');
    expect([view.status, view.body.id]).toEqual([200, sent.body.id]);
    // A body past the unauthenticated limit is read on the certificate's word too.
    const large = await api<{ id: string }>(client, `${gatewayA()}/v1/documents`, '', { body: documentFields([B], signedPdf(issuerOfA, 'x'.repeat(200_000))) });
    expect(large.status).toBe(202);
  });

  it('keeps API keys working beside client certificates', async () => {
    expect((await send(exchange.fetch, exchange.apiKey(A))).status).toBe(202);
    expect((await send(exchange.fetch)).body.code).toBe('AUTH_REQUIRED');
  });

  it('refuses a client certificate from another CA, even with a good API key', async () => {
    const forged = dms(TransportCa.create({ name: 'forger' }).issueKeyPair({ commonName: A, purposes: ['client'] }));
    const alone = await send(forged);
    expect([alone.status, alone.body.code]).toEqual([401, 'AUTH_CERTIFICATE_UNTRUSTED']);
    expect(alone.body.message).toMatch(/EDX_GATEWAY_CLIENT_CA_FILE/);
    const withKey = await send(forged, exchange.apiKey(A));
    expect([withKey.status, withKey.body.code]).toEqual([401, 'AUTH_CERTIFICATE_UNTRUSTED']);
    const reading = await api(forged, `${gatewayA()}/v1/documents/inbox`, '');
    expect([reading.status, reading.body.code]).toEqual([401, 'AUTH_CERTIFICATE_UNTRUSTED']);
  });

  it('refuses a certificate of the right CA that is not for client authentication, names no hosted agency, or comes with another agency\'s key', async () => {
    const serverOnly = await send(dms(dmsCa.issueKeyPair({ commonName: A, purposes: ['server'] })));
    expect([serverOnly.status, serverOnly.body.code]).toEqual([401, 'AUTH_CERTIFICATE_UNTRUSTED']);
    const elsewhere = await send(dms(dmsCa.issueKeyPair({ commonName: B, purposes: ['client'] })));
    expect([elsewhere.status, elsewhere.body.code]).toEqual([401, 'AUTH_REQUIRED']);
    expect(elsewhere.body.message).toMatch(/names 000\.00\.00\.H41.*does not host/);
    const mixed = await send(dms(dmsCa.issueKeyPair({ commonName: A, purposes: ['client'] })), 'edx_not-a-key-of-A');
    expect([mixed.status, mixed.body.code]).toEqual([401, 'AUTH_REQUIRED']);
  });

  it('asks no client certificate where none is configured: a certificate sent to sys-b is not taken for an agency', async () => {
    const client = dms(dmsCa.issueKeyPair({ commonName: B, purposes: ['client'] }));
    const res = await api(client, `${exchange.gateway('sys-b').url}/v1/documents/inbox`, '');
    expect([res.status, res.body.code]).toEqual([401, 'AUTH_REQUIRED']);
  });
});
