import { writeFileSync } from 'node:fs';
import { AmqpConnection, ConfirmedPublisher, Topology } from '@edx/messaging';
import { IssuedIdentity, SigningIdentity } from '@edx/trust';
import { CommandResult } from '../apps/cli/src/command';
import { COMMANDS } from '../apps/cli/src/commands';
import { documentFields, signedPdf } from './support/documents';
import { DmsView, repeats } from './support/dms-view';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { SteadyLoad } from './support/load';
import { sample } from './support/metrics-page';
import { signedIdOf, signedPackage } from './support/packages';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
/** How long each hub copy keeps the directory in this test: the bound revocation must meet. */
const DIRECTORY_CACHE_MS = 1500;
/** How often the gateways read the console's CRLs in this test. */
const CRL_REFRESH_MS = 500;

/**
 * A signing certificate replaced while documents flow: the new one is registered beside the old,
 * the sending gateway restarts on the new key (a rolling restart loses nothing: its outbox is in its
 * database), the old one is retired once its last package has a receipt, and from then on the hub
 * refuses it. Then the new one is revoked, and every hub copy and the gateway refuse it within their
 * cache times. Counted where a duplicate or a loss would show: the receiving DMS's inbox and stream,
 * the sending DMS's receipts.
 */
describe('certificate rotation and revocation with traffic flowing', () => {
  // Hub and gateways as processes: the gateway's rolling restart is a real SIGTERM and start, as a supervisor does it.
  const exchange = new ExchangeHarness('processes', 'h19b');
  let organisationOfA: IssuedIdentity;
  let pdf: Buffer;
  let sysA: AmqpConnection;
  const connections: DmsView[] = [];
  const edx = (name: string, ...args: string[]): Promise<CommandResult> =>
    COMMANDS.find((c) => c.name === name)!.run({ args: [...args, '--console', exchange.consoleUrl, '--token', exchange.adminToken, '--cacert', exchange.transportCaFile, '--json'], json: true, print: () => undefined });

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
    // The PDF's legal signature is the organisation's own (registered, never rotated here); the envelope key is the gateway's.
    organisationOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: organisationOfA.certificatePem });
    pdf = signedPdf(organisationOfA);
    await exchange.stopHub();
    await exchange.startHub({ EDX_DIRECTORY_CACHE_MS: String(DIRECTORY_CACHE_MS) });
    await exchange.startHubCopy({ EDX_DIRECTORY_CACHE_MS: String(DIRECTORY_CACHE_MS) });
    await restartGateway('sys-a');
    sysA = await exchange.connectAs('sys-a');
  });
  afterAll(async () => {
    for (const view of connections) await view.close();
    await sysA?.close();
    await exchange.stop();
  });

  async function restartGateway(base: string): Promise<void> {
    await exchange.stopGateway(exchange.systemId(base));
    await exchange.startGateway(exchange.systemId(base), { EDX_REVOCATION_CRL_REFRESH_MS: String(CRL_REFRESH_MS) });
  }
  const send = () => exchange.api<{ id: string; code?: string; message?: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], pdf) });
  const statusesAtA = async (id: string) => (await exchange.api<{ items: Array<{ from: string; statusCode: string; description: string }> }>(`${exchange.gateway('sys-a').url}/v1/documents/${id}/statuses`, exchange.apiKey(A))).body.items;
  const receiptsOf = async (id: string) => (await statusesAtA(id)).filter((s) => s.from === B && s.statusCode === '01').length;
  /** As a broken gateway could: straight to the hub with sys-a's broker credentials and an envelope key of A's. */
  async function publishAsSysA(identity: SigningIdentity): Promise<string> {
    const body = signedPackage({ from: A, to: [B], pdf, identity });
    const id = signedIdOf(body)!;
    await new ConfirmedPublisher(sysA, { publishAsConnectionUser: true }).publish(Topology.hubExchange, Topology.packageKey, body, { messageId: id, type: 'package' });
    return id;
  }
  const deadLetterCode = (id: string) =>
    eventually(`the dead letter of ${id}`, async () => (await exchange.hubQuery<{ code: string }>('SELECT code FROM dead_letters WHERE message_id = $1', [id]))[0]?.code);
  const refusalsAt = async (hubUrl: string, code: string) => sample(await (await exchange.fetch(`${hubUrl}/metrics`)).text(), 'edx_refusals_total', { code }) ?? 0;

  let retiredIdentity: SigningIdentity;
  let retiredAt = 0;
  let current: IssuedIdentity;

  it('rotates the envelope key of A under load: the new certificate beside the old, a rolling restart, the old retired; nothing lost, nothing duplicated, every document receipted', async () => {
    const atB = new DmsView(exchange.fetch, () => exchange.gateway('sys-b').url, exchange.apiKey(B));
    connections.push(atB);
    const load = new SteadyLoad(async () => {
      const res = await send();
      return res.status === 202 ? { id: res.body.id } : { refusal: `${res.status} ${res.body.code ?? ''} ${res.body.message ?? ''}` };
    }, 4).start();
    const acceptedAtLeast = (n: number) =>
      eventually(`${n} documents accepted`, async () => load.accepted.length >= n, 60_000).catch((error: Error) => {
        throw new Error(`${error.message}; refused: ${JSON.stringify([...load.reasons])}`);
      });
    try {
      await acceptedAtLeast(8);
      // 1. The new certificate, registered beside the old: the hub accepts both from its next directory read.
      retiredIdentity = exchange.identityOf(A);
      current = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
      expect(await edx('agency cert add', A, '--cert', writeTemp('next-cert.pem', current.certificatePem))).toMatchObject({ ok: true, fingerprint: current.identity.certificate.fingerprint });
      // 2. The gateway takes its new key and certificate at start: its files are replaced and it restarts.
      const agency = exchange.systems.find((s) => s.id === exchange.systemId('sys-a'))!.agencies.find((a) => a.code === A)!;
      writeFileSync(agency.keyFile, current.keyPem);
      writeFileSync(agency.certFile, current.certificatePem);
      await restartGateway('sys-a');
      const signedWithOld = [...load.accepted];
      await acceptedAtLeast(signedWithOld.length + 8);
      // 3. Retired once the last package signed with the old key has its receipt (README, "Certificates").
      await eventually('a 01 for every package signed with the old key', async () => {
        for (const id of signedWithOld) if ((await receiptsOf(id)) === 0) return false;
        return true;
      }, 90_000);
      const retired = await edx('agency cert retire', A, retiredIdentity.certificate.fingerprint);
      expect(retired).toMatchObject({ ok: true, status: 'retired' });
      retiredAt = Date.parse(String(retired.retiredAt));
      const [audit] = await exchange.hubQuery<{ after: { status: string } }>("SELECT after FROM audit_log WHERE action = 'certificate.retire' AND target = $1", [A]);
      expect(audit.after).toMatchObject({ fingerprint: retiredIdentity.certificate.fingerprint, status: 'retired' });
      const afterRetirement = load.accepted.length;
      await acceptedAtLeast(afterRetirement + 8);
    } finally {
      await load.stop();
    }

    const accepted = load.accepted;
    expect(accepted.length).toBeGreaterThanOrEqual(24);
    // Each accepted document reaches B once: in its inbox and on its live stream, and A holds exactly one 01 for it.
    const inbox = await eventually('every accepted document in B\'s inbox', async () => {
      const ids = await atB.inboxIds();
      return accepted.every((id) => ids.includes(id)) && ids;
    }, 40_000);
    expect(repeats(inbox)).toBe(0);
    await eventually('every document on B\'s stream', async () => accepted.every((id) => atB.documentEvents.includes(id)), 30_000);
    expect(repeats(atB.documentEvents)).toBe(0);
    await eventually('a 01 for every accepted document', async () => {
      for (const id of accepted) if ((await receiptsOf(id)) !== 1) return false;
      return true;
    }, 40_000);
    // Nothing the hub refused: no package of A's is a dead letter.
    expect(await exchange.hubQuery("SELECT code FROM dead_letters WHERE message_id = ANY($1)", [accepted])).toEqual([]);

    // From now on the retired certificate is refused (the hub copies read the directory within their cache time).
    await eventually('the cache time to pass since the retirement', async () => Date.now() > retiredAt + DIRECTORY_CACHE_MS, DIRECTORY_CACHE_MS + 1000);
    const refused = await publishAsSysA(retiredIdentity);
    expect(await deadLetterCode(refused)).toBe('SIGNER_NOT_SENDER');
    const told = await eventually('the 02 to A', async () => (await statusesAtA(refused)).find((s) => s.statusCode === '02'));
    expect(told.description).toContain('SIGNER_NOT_SENDER');
  });

  it('a revocation of the certificate reaches every hub copy within EDX_DIRECTORY_CACHE_MS and the sending gateway within EDX_REVOCATION_CRL_REFRESH_MS', async () => {
    const delivered = await send();
    expect(delivered.status).toBe(202);
    await eventually('the 01 before the revocation', async () => (await receiptsOf(delivered.body.id)) === 1);

    await exchange.console().addTrust('crls', exchange.pki.revoke(current.serialNumber, new Date(Date.now() - 1000)));
    const uploadedAt = Date.now();
    // The bound under test is a time: once it has passed, every hub copy must refuse.
    await eventually('the directory cache time to pass', async () => Date.now() > uploadedAt + DIRECTORY_CACHE_MS, DIRECTORY_CACHE_MS + 1000);
    const hubUrls = exchange.hubUrls();
    expect(hubUrls).toHaveLength(2);
    const before = await Promise.all(hubUrls.map((url) => refusalsAt(url, 'CERT_REVOKED')));
    const published: string[] = [];
    // Hub copies compete for hub.inbound: publish until each has refused at least one; every one is refused.
    await eventually('both hub copies to refuse the revoked certificate', async () => {
      published.push(await publishAsSysA(current.identity));
      const counts = await Promise.all(hubUrls.map((url) => refusalsAt(url, 'CERT_REVOKED')));
      return counts.every((n, i) => n > before[i]);
    }, 30_000);
    for (const id of published) expect(await deadLetterCode(id)).toBe('CERT_REVOKED');
    expect((await exchange.hubQuery<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE document_id = ANY($1) AND state <> 'rejected'", [published]))[0].n).toBe(0);

    // The sending gateway reads the console's CRLs every EDX_REVOCATION_CRL_REFRESH_MS: its own check refuses from then on.
    const refusedAt = await eventually('the gateway to refuse its revoked key', async () => {
      const res = await send();
      return res.status !== 202 && { status: res.status, code: res.body.code, at: Date.now() };
    }, 10_000);
    expect(refusedAt).toMatchObject({ status: 422, code: 'CERT_REVOKED' });
    expect(refusedAt.at - uploadedAt).toBeLessThan(CRL_REFRESH_MS + DIRECTORY_CACHE_MS + 5000);
  });

  function writeTemp(name: string, text: string): string {
    const file = `${exchange.dir}/${name}`;
    writeFileSync(file, text);
    return file;
  }
});
