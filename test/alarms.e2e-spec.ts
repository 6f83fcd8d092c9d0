import { randomUUID } from 'node:crypto';
import { ConfirmedPublisher, Topology } from '@edx/messaging';
import { ExchangeHarness, eventually } from './support/exchange.harness';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const DAY = 86_400_000;
const BACKLOG_ALARM = 100; // EDX_INBOX_BACKLOG_ALARM's default

type Alarms = { alarms: Array<{ kind: string; subject: string; value: number; summary: string }> };

/** The alarms beside "overdue" (operators.e2e-spec): what expires soon, and an inbox nobody drains. */
describe('alarms: a certificate and a CRL near expiry, an inbox backlog that grows — in the API and the metrics', () => {
  const exchange = new ExchangeHarness();

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
  });
  afterAll(() => exchange.stop());
  const alarms = async () => (await exchange.operator<Alarms>('/v1/alarms')).body.alarms;

  it('flags a signing certificate and a CRL within the warning days (30 by default), and nothing that is far off', async () => {
    const soon = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ', validFrom: new Date(Date.now() - 300 * DAY), validDays: 310 });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: soon.certificatePem });
    // An older list due in 3 days, replaced by one due in 60: only the latest of each issuer counts.
    await exchange.console().addTrust('crls', exchange.pki.crlPem({ thisUpdate: new Date(Date.now() - 2 * DAY), validDays: 5 }));
    await exchange.console().addTrust('crls', exchange.pki.crlPem({ validDays: 60 }));
    expect((await alarms()).filter((a) => a.kind === 'crl-expiry')).toEqual([]);
    await exchange.console().addTrust('crls', exchange.pki.crlPem({ thisUpdate: new Date(Date.now() + 60_000), validDays: 3 }));
    const now = await alarms();
    const certificate = now.filter((a) => a.kind === 'certificate-expiry');
    expect(certificate).toEqual([expect.objectContaining({ subject: expect.stringContaining(A), value: expect.any(Number), summary: expect.stringMatching(/expires in (9|10) day/) })]);
    expect(now.filter((a) => a.kind === 'crl-expiry')).toEqual([expect.objectContaining({ subject: expect.stringContaining('edx Dev Issuing CA'), summary: expect.stringMatching(/within (2|3) day/) })]);
    const metrics = await (await exchange.fetch(`${exchange.console().baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^edx_alarms\{kind="certificate-expiry",app="console"\} 1$/m);
    expect(metrics).toMatch(/^edx_alarms\{kind="crl-expiry",app="console"\} 1$/m);
  });

  it('flags an inbox past the threshold that grows while its gateway is down, and clears when it drains', async () => {
    const inbox = Topology.systemInbox(exchange.systemId('sys-b'));
    await exchange.stopGateway(exchange.systemId('sys-b'));
    const admin = await exchange.adminConnection();
    try {
      const publisher = new ConfirmedPublisher(admin);
      for (let i = 0; i <= BACKLOG_ALARM; i++) await publisher.publish('', inbox, Buffer.from('backlog'), { messageId: randomUUID(), type: 'status' });
      // The management API's queue depth lags by its statistics interval: wait for it.
      const backlog = await eventually('the backlog alarm', async () => (await alarms()).find((a) => a.kind === 'inbox-backlog'), 30_000);
      expect(backlog).toMatchObject({ subject: inbox, summary: expect.stringMatching(/grows/) });
      expect(backlog.value).toBeGreaterThan(BACKLOG_ALARM);
    } finally {
      await admin.close();
      await exchange.startGateway(exchange.systemId('sys-b'));
    }
    await eventually('the alarm to clear once the gateway drained its inbox', async () => !(await alarms()).some((a) => a.kind === 'inbox-backlog'), 60_000);
  });
});
