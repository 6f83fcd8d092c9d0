import { zipSync } from 'fflate';
import { AmqpConnection, ConfirmedPublisher, Topology } from '@edx/messaging';
import { IssuedIdentity } from '@edx/trust';
import { documentFields, signedPdf } from './support/documents';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { signedIdOf, signedPackage } from './support/packages';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const BOMBS = 6;

type StatusList = { items: Array<{ statusCode: string }> };

/**
 * A flood of zips that are expensive to open (each inflates 120 MiB within the caps) published
 * straight to the hub with a real system's credentials. Their verification runs in worker threads,
 * so the hub's event loop keeps answering `/health` and moving other documents while they are judged.
 * With EDX_VERIFY_WORKERS=0 the same flood holds the loop for seconds at a time.
 */
describe('a flood of expensive zips: verification off the event loop, /health stays fast, the queue keeps moving', () => {
  const exchange = new ExchangeHarness('processes');
  let sysA: AmqpConnection;
  let organisationOfA: IssuedIdentity;

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
    organisationOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: organisationOfA.certificatePem });
    sysA = await exchange.connectAs('sys-a');
  });
  afterAll(async () => {
    await sysA?.close();
    await exchange.stop();
  });

  it('answers /health within a second throughout, refuses every bomb with its code, and delivers a good document sent during the flood', async () => {
    // Text that deflates ~30:1 (under the 200:1 ratio cap): opening it means inflating all 120 MiB.
    const line = Buffer.from(Array.from({ length: 64 }, (_, i) => `Điều ${i}: văn bản số ${(i * 7919) % 1000}/VPCP. `).join(''));
    const bulky = Buffer.alloc(120 * 1024 * 1024);
    for (let at = 0; at < bulky.length; at += line.length) line.copy(bulky, at);
    const bomb = Buffer.from(zipSync({ 'van-ban.pdf': new Uint8Array(bulky) }, { level: 1 }));
    const publisher = new ConfirmedPublisher(sysA, { publishAsConnectionUser: true });
    const ids: string[] = [];
    for (let i = 0; i < BOMBS; i++) {
      const body = signedPackage({ from: A, to: [B], pdf: signedPdf(organisationOfA), identity: exchange.identityOf(A), files: [{ name: `ho-so-${i}.zip`, contentType: 'application/zip', bytes: bomb }] });
      ids.push(signedIdOf(body)!);
      await publisher.publish(Topology.hubExchange, Topology.packageKey, body, { messageId: ids[i], type: 'package' });
    }

    let slowest = 0;
    let probes = 0;
    let flooding = true;
    const probe = (async () => {
      while (flooding) {
        const started = Date.now();
        const res = await exchange.fetch(`${exchange.hubUrl}/health`);
        await res.arrayBuffer();
        slowest = Math.max(slowest, Date.now() - started);
        probes++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    try {
      const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], signedPdf(organisationOfA)) });
      expect(sent.status).toBe(202);
      const refused = await eventually(
        'every bomb refused',
        async () => {
          const rows = await exchange.hubQuery<{ code: string }>('SELECT code FROM dead_letters WHERE message_id = ANY($1)', [ids]);
          return rows.length === BOMBS && rows;
        },
        120_000,
      );
      expect(new Set(refused.map((r) => r.code))).toEqual(new Set(['PDF_MALFORMED']));
      await eventually('the good document\'s 01', async () => {
        const statuses = await exchange.api<StatusList>(`${exchange.gateway('sys-a').url}/v1/documents/${sent.body.id}/statuses`, exchange.apiKey(A));
        return statuses.body.items.some((s) => s.statusCode === '01');
      }, 120_000);
    } finally {
      flooding = false;
      await probe;
    }
    expect(probes).toBeGreaterThan(10);
    expect(slowest).toBeLessThan(1000);
  });
});
