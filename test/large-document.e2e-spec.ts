import { IssuedIdentity, makePdf, signPdf } from '@edx/trust';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { signedPackage } from './support/packages';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const MIB = 1024 * 1024;

describe('a 100 MiB document, by claim check (real broker, real databases)', () => {
  const exchange = new ExchangeHarness();
  let issuerOfA: IssuedIdentity;

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
  });
  afterAll(() => exchange.stop());

  it('goes from A to B intact, verified at every hop, the broker carrying a small package, and A sees the 01', async () => {
    const pdf = signPdf(makePdf('Hồ sơ lớn', { padding: 100 * MIB }), issuerOfA.identity);
    const edxml = signedPackage({ from: A, to: [B], pdf, identity: exchange.identityOf(A) });
    const sent = await exchange.api<{ id: string; size: number }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { raw: edxml });
    expect(sent.status).toBe(202);
    // The PDF went into the hub's store; the package names it by digest.
    expect(sent.body.size).toBeLessThan(64 * 1024);
    await eventually('the 01 from B', async () => {
      const { body } = await exchange.api<{ recipients: Array<{ statusCode: string | null }> }>(`${exchange.gateway('sys-a').url}/v1/documents/${sent.body.id}`, exchange.apiKey(A));
      return body.recipients[0]?.statusCode === '01';
    }, 180_000);
    const received = await exchange.fetch(`${exchange.gateway('sys-b').url}/v1/documents/${sent.body.id}/package`, { headers: { 'x-api-key': exchange.apiKey(B) } });
    const bytes = Buffer.from(await received.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(130 * MIB); // the whole package, base64 and the hub's trace hop
    const { parseEdxml } = await import('@edx/edxml');
    const parsed = parseEdxml(bytes);
    expect(parsed.kind === 'package' && parsed.attachments[0].bytes.equals(pdf)).toBe(true);
  });
});
