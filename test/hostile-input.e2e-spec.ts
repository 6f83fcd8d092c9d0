import { randomUUID } from 'node:crypto';
import { AmqpConnection, ConfirmedPublisher, Topology } from '@edx/messaging';
import { IssuedIdentity, createDevPki, makePdf } from '@edx/trust';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { documentFields, signedPdf } from './support/documents';
import { signedIdOf, signedPackage } from './support/packages';
import { SCENARIOS } from './scenarios';
import { Publication, ScenarioContext } from './scenarios/scenario';

const A = '000.00.00.G22';
const D = '000.00.00.G09'; // hosted by sys-a, suspended
const B = '000.00.00.H41';
const C = '000.00.00.H53';
const S = '000.00.00.H20'; // hosted by sys-b, suspended
const DAY = 24 * 3600 * 1000;

type StatusList = { items: Array<{ from: string; statusCode: string; description: string }> };

describe('hostile input: each case gets its stable code, a recorded reason, and the queue keeps moving', () => {
  const exchange = new ExchangeHarness();
  let context: ScenarioContext;
  const connections = new Map<string, AmqpConnection>();

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }, { code: D, name: 'Bộ Kế hoạch và Đầu tư' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }, { code: C, name: 'UBND tỉnh Tây Ninh' }, { code: S, name: 'UBND tỉnh Lai Châu' }] },
    ]);
    const consoleApi = exchange.console();
    const register = async (code: string, name: string, system: string, issued: IssuedIdentity) =>
      consoleApi.addAgency({ code, name, systemId: exchange.systemId(system), certificatePem: issued.certificatePem });
    const organisationOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    const organisationOfB = exchange.pki.issue({ code: B, name: 'UBND tỉnh Nghệ An' });
    const expiredOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ', validFrom: new Date(Date.now() - 400 * DAY), validDays: 30 });
    const revokedOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    for (const issued of [organisationOfA, revokedOfA]) await register(A, 'Văn phòng Chính phủ', 'sys-a', issued);
    // The console refuses an expired certificate at registration: this one stands for a certificate
    // registered while it was valid that has expired since, so it is written as registration left it.
    const expired = expiredOfA.identity.certificate;
    await exchange.hubQuery('INSERT INTO agency_certificates (fingerprint, agency_code, pem, serial_number, not_before, not_after) VALUES ($1, $2, $3, $4, $5, $6)', [
      expired.fingerprint, A, expired.pem.trim(), expired.serialNumber, expired.notBefore, expired.notAfter,
    ]);
    await register(B, 'UBND tỉnh Nghệ An', 'sys-b', organisationOfB);
    await consoleApi.addTrust('crls', exchange.pki.revoke(revokedOfA.serialNumber, new Date(Date.now() - 3600_000)));
    // Bad CAs under the exchange's own PKI, registered as intermediates: only their constraints are wrong.
    const caWithoutKeyCertSign = exchange.pki.issueCa({ name: 'edx Test CA Without keyCertSign', keyCertSign: false });
    const pathLenZeroCa = exchange.pki.issueCa({ name: 'edx Test PathLen0 CA', pathLength: 0 });
    const subOfPathLenZero = exchange.pki.issueCa({ name: 'edx Test Sub CA Of PathLen0', under: pathLenZeroCa });
    for (const ca of [caWithoutKeyCertSign, pathLenZeroCa, subOfPathLenZero]) await consoleApi.addTrust('intermediates', ca.certificatePem);
    const badOfA = (extra: Omit<Parameters<typeof exchange.pki.issue>[0], 'code' | 'name'>) => exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ', ...extra });
    await consoleApi.setAgencyStatus(D, 'suspended');
    await consoleApi.setAgencyStatus(S, 'suspended');

    const envelopeOfA = exchange.identityOf(A);
    context = {
      codes: { A, B, C, suspendedSender: D, suspendedRecipient: S },
      signedPackage: (input = {}) =>
        signedPackage({
          from: input.from ?? A, to: input.to ?? [B], pdf: input.pdf ?? signedPdf(organisationOfA), identity: input.envelopeSigner ?? envelopeOfA,
          packageId: input.packageId, files: input.files,
        }),
      identities: {
        envelopeOfA,
        organisationOfA,
        envelopeOfSuspended: exchange.identityOf(D),
        expiredOfA,
        revokedOfA,
        fromAnotherPki: createDevPki().issue({ code: A, name: 'Văn phòng Chính phủ' }),
        organisationOfB,
        personOfA: exchange.pki.issue({ code: A, name: 'Nguyễn Văn A', kind: 'person', organisation: 'Văn phòng Chính phủ' }),
        underCaWithoutKeyCertSign: badOfA({ issuer: caWithoutKeyCertSign }),
        beyondPathLength: badOfA({ issuer: subOfPathLenZero }),
        weakKeyOfA: badOfA({ keyBits: 1024 }),
        withoutKeyUsageOfA: badOfA({ keyUsage: 'none' }),
        md5SignedOfA: badOfA({ digest: 'md5' }),
      },
      signedPdf: (by, options) => signedPdf(by, undefined, options),
      unsignedPdf: () => makePdf('Văn bản chưa ký'),
    };
  });
  afterAll(async () => {
    for (const c of connections.values()) await c.close();
    await exchange.stop();
  });

  async function publish(p: Publication): Promise<string> {
    let connection = connections.get(p.as);
    if (!connection) {
      connection = p.as === 'admin' ? await exchange.adminConnection() : await exchange.connectAs(p.as);
      connections.set(p.as, connection);
    }
    // By default a package goes out under the id it is signed for, as its gateway would publish it.
    const id = p.messageId === undefined ? (signedIdOf(p.body) ?? randomUUID()) : p.messageId;
    const routingKey = p.routingKey ?? Topology.packageKey;
    await new ConfirmedPublisher(connection, { publishAsConnectionUser: p.as !== 'admin' }).publish(Topology.hubExchange, routingKey, p.body, {
      messageId: id ?? randomUUID(),
      type: routingKey,
    });
    return id ?? '';
  }

  const statusesAt = async (agency: string, id: string) =>
    (await exchange.api<StatusList>(`${exchange.gateway('sys-a').url}/v1/documents/${id}/statuses`, exchange.apiKey(agency))).body.items;

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    let id = '';
    for (const publication of scenario.publish(context)) id = await publish(publication);
    const expected = scenario.expect;
    if ('deadLetter' in expected) {
      const [row] = await eventually(`the dead letter of "${scenario.name}"`, async () => {
        const rows = await exchange.hubQuery<{ code: string; reason: string }>('SELECT code, reason FROM dead_letters WHERE message_id = $1', [id]);
        return rows.length > 0 && rows;
      });
      expect(row.code).toBe(expected.deadLetter);
      expect(row.reason.length).toBeGreaterThan(10);
      if (expected.senderTold) {
        const told = await eventually(`a 02 to the sender for "${scenario.name}"`, async () => {
          for (const agency of [A, D]) {
            const found = (await statusesAt(agency, id)).find((s) => s.statusCode === '02');
            if (found) return found;
          }
          return undefined;
        });
        expect(told.description).toContain(expected.deadLetter);
      }
    } else if ('delivered' in expected) {
      const arrived = await eventually(`the 01 of "${scenario.name}"`, async () => (await statusesAt(A, id)).find((s) => s.statusCode === '01'));
      expect(arrived).toMatchObject({ from: B });
      expect(await exchange.hubQuery('SELECT 1 FROM dead_letters WHERE message_id = $1', [id])).toEqual([]);
    } else {
      const rejection = await eventually(`the 02 for the refused recipient`, async () => (await statusesAt(A, id)).find((s) => s.statusCode === '02'));
      expect(rejection).toMatchObject({ from: S, description: expect.stringContaining(expected.code) });
    }
  });

  it('keeps the queue moving: after all of the above, a good document is delivered and receipted', async () => {
    const issuer = context.identities.organisationOfA;
    const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B, C], signedPdf(issuer)) });
    expect(sent.status).toBe(202);
    await eventually('both 01', async () => (await statusesAt(A, sent.body.id)).filter((s) => s.statusCode === '01').length === 2);
  });
});
