import { AmqpConnection, ConfirmedPublisher, Topology } from '@edx/messaging';
import { DevRevocationServer, IssuedIdentity, RevocationAnswer } from '@edx/trust';
import { documentFields, signedPdf } from './support/documents';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { signedIdOf, signedPackage } from './support/packages';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

type StatusList = { items: Array<{ from: string; statusCode: string; description: string }> };
type Attestation = { signatures: Array<{ what: string; revocation?: RevocationAnswer[] }> };

/**
 * Revocation that stays fresh: the hub and gateways ask the OCSP responder or CRL distribution point a
 * signer's certificate names (a local server made from the exchange's dev PKI), the degraded mode
 * decides when no answer can be had, and gateways take the CRLs the console publishes while they run.
 */
describe('revocation service end to end: OCSP, CRL distribution points, degraded mode, the console CRLs', () => {
  const exchange = new ExchangeHarness();
  let server: DevRevocationServer;
  let sysA: AmqpConnection;
  const issueForA = (revocation?: ReturnType<DevRevocationServer['urls']>) => exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ', revocation });
  const register = (issued: IssuedIdentity) => exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issued.certificatePem });

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
    server = await DevRevocationServer.start(exchange.pki);
    sysA = await exchange.connectAs('sys-a');
  });
  afterAll(async () => {
    await sysA?.close();
    await server?.close();
    await exchange.stop();
  });

  const statusesAtA = async (id: string) => (await exchange.api<StatusList>(`${exchange.gateway('sys-a').url}/v1/documents/${id}/statuses`, exchange.apiKey(A))).body.items;
  /** As a hostile or broken gateway could: straight to the hub with sys-a's own broker credentials, no gateway check. */
  async function publishAsSysA(pdfSigner: IssuedIdentity): Promise<string> {
    const body = signedPackage({ from: A, to: [B], pdf: signedPdf(pdfSigner), identity: exchange.identityOf(A) });
    const id = signedIdOf(body)!;
    await new ConfirmedPublisher(sysA, { publishAsConnectionUser: true }).publish(Topology.hubExchange, Topology.packageKey, body, { messageId: id, type: 'package' });
    return id;
  }
  /** The hub's signed receipt attestation of a delivered copy, as the recipient's gateway shows it (a JWS; its payload). */
  async function attestationAtB(id: string): Promise<Attestation> {
    const received = await exchange.api<{ receiptAttestation: string }>(`${exchange.gateway('sys-b').url}/v1/documents/${id}`, exchange.apiKey(B));
    return JSON.parse(Buffer.from(received.body.receiptAttestation.split('.')[1], 'base64url').toString('utf8')) as Attestation;
  }
  async function refusedAtHub(id: string): Promise<{ code: string; told: string }> {
    const [row] = await eventually('the dead letter', async () => {
      const rows = await exchange.hubQuery<{ code: string }>('SELECT code FROM dead_letters WHERE message_id = $1', [id]);
      return rows.length > 0 && rows;
    });
    const told = await eventually('the 02 to the sender', async () => (await statusesAtA(id)).find((s) => s.statusCode === '02'));
    return { code: row.code, told: told.description };
  }

  it('asks the OCSP responder the signer certificate names, delivers, and the receipt attestation keeps the answer', async () => {
    const signer = issueForA(server.urls('ocsp'));
    await register(signer);
    const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], signedPdf(signer)) });
    expect(sent.status).toBe(202);
    await eventually('the 01', async () => (await statusesAtA(sent.body.id)).find((s) => s.statusCode === '01'));
    const pdf = (await attestationAtB(sent.body.id)).signatures.find((s) => s.what !== 'envelope')!;
    expect(pdf.revocation![0]).toMatchObject({ source: 'ocsp', status: 'good', url: `${server.baseUrl}/ocsp`, nextUpdate: expect.any(String) });
    expect(server.requests.ocsp).toBeGreaterThanOrEqual(1);
  });

  it('refuses at the hub a certificate its responder says is revoked (CERT_REVOKED), and tells the sender', async () => {
    const signer = issueForA(server.urls('ocsp'));
    await register(signer);
    exchange.pki.revoke(signer.serialNumber, new Date(Date.now() - 60_000));
    const refusal = await refusedAtHub(await publishAsSysA(signer));
    expect(refusal.code).toBe('CERT_REVOKED');
    expect(refusal.told).toContain('CERT_REVOKED');
  });

  it('reads the CRL at the distribution point when that is all the certificate names', async () => {
    const signer = issueForA(server.urls('crl'));
    await register(signer);
    exchange.pki.revoke(signer.serialNumber, new Date(Date.now() - 60_000));
    const before = server.requests.crl;
    expect((await refusedAtHub(await publishAsSysA(signer))).code).toBe('CERT_REVOKED');
    expect(server.requests.crl).toBeGreaterThan(before);
  });

  it('degraded mode: no answer to be had is REVOCATION_UNKNOWN by default; with EDX_REVOCATION_UNKNOWN=warn it is delivered and the warning kept', async () => {
    server.respondWith({ httpStatus: 503 });
    try {
      // OCSP only: the CRL at the distribution point was fetched before and stays current until its nextUpdate.
      const refused = issueForA(server.urls('ocsp'));
      await register(refused);
      const refusal = await refusedAtHub(await publishAsSysA(refused));
      expect(refusal.code).toBe('REVOCATION_UNKNOWN');
      expect(refusal.told).toMatch(/REVOCATION_UNKNOWN.*OCSP .*HTTP 503/);

      // The setting is each verifier's own: the hub and the recipient's gateway both judge.
      await exchange.stopHub();
      await exchange.startHub({ EDX_REVOCATION_UNKNOWN: 'warn' });
      await exchange.stopGateway(exchange.systemId('sys-b'));
      await exchange.startGateway(exchange.systemId('sys-b'), { EDX_REVOCATION_UNKNOWN: 'warn' });
      const accepted = issueForA(server.urls('ocsp'));
      await register(accepted);
      const id = await publishAsSysA(accepted);
      await eventually('the 01 in warn mode', async () => (await statusesAtA(id)).find((s) => s.statusCode === '01'));
      const pdf = (await attestationAtB(id)).signatures.find((s) => s.what !== 'envelope')!;
      expect(pdf.revocation![0]).toMatchObject({ status: 'unknown', warning: expect.stringMatching(/HTTP 503.*Accepted by the setting/) });
    } finally {
      server.respondWith({ httpStatus: undefined });
      await exchange.stopHub();
      await exchange.startHub();
      await exchange.stopGateway(exchange.systemId('sys-b'));
      await exchange.startGateway(exchange.systemId('sys-b'));
    }
  });

  it('a running gateway takes the CRLs uploaded to the console: its outgoing check refuses a certificate revoked after it started', async () => {
    await exchange.stopGateway(exchange.systemId('sys-a'));
    await exchange.startGateway(exchange.systemId('sys-a'), { EDX_REVOCATION_CRL_REFRESH_MS: '300' });
    const signer = issueForA(); // names no distribution point: only the console's CRL can tell
    await register(signer);
    const send = () => exchange.api<{ code?: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], signedPdf(signer)) });
    expect((await send()).status).toBe(202);
    await exchange.console().addTrust('crls', exchange.pki.revoke(signer.serialNumber, new Date(Date.now() - 60_000)));
    const refused = await eventually('the gateway to refuse the revoked signer', async () => {
      const answer = await send();
      return answer.status !== 202 && answer;
    });
    expect(refused).toMatchObject({ status: 422, body: { code: 'CERT_REVOKED' } });
  });
});
