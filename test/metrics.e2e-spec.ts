import { AmqpConnection, ConfirmedPublisher, Topology } from '@edx/messaging';
import { makePdf } from '@edx/trust';
import { documentFields, signedPdf } from './support/documents';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { signedIdOf, signedPackage } from './support/packages';
import { sample } from './support/metrics-page';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

/** The business metrics of the hub and gateways (the console's own are in operators.e2e-spec). */
describe('metrics: documents in and out by outcome, verification failures by code, time to 01, the outbox', () => {
  const exchange = new ExchangeHarness();
  let sysA: AmqpConnection;

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
    sysA = await exchange.connectAs('sys-a');
  });
  afterAll(async () => {
    await sysA?.close();
    await exchange.stop();
  });
  const page = async (url: string) => (await exchange.fetch(`${url}/metrics`)).text();

  it('counts what each app did, as it happened', async () => {
    const organisation = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: organisation.certificatePem });
    const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], signedPdf(organisation)) });
    expect(sent.status).toBe(202);
    await eventually('the 01 counted at the sender', async () => sample(await page(exchange.gateway('sys-a').url), 'edx_time_to_arrival_seconds_count') === 1);

    // A package whose PDF carries no signature, straight from sys-a's broker user: the hub refuses it.
    const unsigned = signedPackage({ from: A, to: [B], pdf: makePdf('chưa ký'), identity: exchange.identityOf(A) });
    await new ConfirmedPublisher(sysA, { publishAsConnectionUser: true }).publish(Topology.hubExchange, Topology.packageKey, unsigned, { messageId: signedIdOf(unsigned)!, type: 'package' });
    const hub = await eventually('the refusal counted at the hub', async () => {
      const text = await page(exchange.hubUrl);
      return sample(text, 'edx_verification_failures_total', { code: 'SIGNATURE_MISSING' }) === 1 && text;
    });
    expect(sample(hub, 'edx_documents_total', { direction: 'in', outcome: 'accepted' })).toBe(1);
    expect(sample(hub, 'edx_documents_total', { direction: 'in', outcome: 'refused' })).toBe(1);
    expect(sample(hub, 'edx_documents_total', { direction: 'out', outcome: 'delivered' })).toBe(1);

    // The outbox row is marked published just after its confirm: the backlog comes back to 0.
    const sender = await eventually('an empty outbox at the sender', async () => {
      const text = await page(exchange.gateway('sys-a').url);
      return sample(text, 'edx_outbox_backlog') === 0 && text;
    });
    expect(sample(sender, 'edx_documents_total', { direction: 'out', outcome: 'accepted' })).toBe(1);
    expect(sample(sender, 'edx_outbox_parked')).toBe(0);
    expect(sample(await page(exchange.gateway('sys-b').url), 'edx_documents_total', { direction: 'in', outcome: 'arrived' })).toBe(1);
  });
});
