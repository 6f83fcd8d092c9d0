import { AmqpConnection, BrokerAdmin, ConfirmedPublisher, Topology, unbindAgencies } from '@edx/messaging';
import { IssuedIdentity, TrustStore, loadIdentity, signReceiptAttestation, verifyReceiptAttestation } from '@edx/trust';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ExchangeHarness, MANAGEMENT_URL, eventually } from './support/exchange.harness';
import { documentFields, signedPdf } from './support/documents';
import { DmsView } from './support/dms-view';
import { alterAttachment, newPackageId, signedPackage } from './support/packages';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const C = '000.00.00.H53';

type DocumentView = { recipients: Array<{ organId: string; statusCode: string | null; description: string | null }> };
type StatusList = { items: Array<{ direction: string; from: string; statusCode: string; description: string }> };
type Inbox = { items: Array<{ id: string; verdict: string; rejectCode: string | null; senderCode: string }> };

describe('the exchange, end to end (real broker, real databases, real HTTP)', () => {
  const exchange = new ExchangeHarness();
  let issuerOfA: IssuedIdentity;

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }, { code: C, name: 'UBND tỉnh Tây Ninh' }] },
    ]);
    // The legal signature on the PDF is the organisation's own (made in its DMS), from the same PKI.
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
  });
  const connections: AmqpConnection[] = [];
  afterAll(async () => {
    for (const c of connections) await c.close();
    await exchange.stop();
  });

  const send = (to: string[]) => exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields(to, signedPdf(issuerOfA)) });
  const view = (id: string) => exchange.api<DocumentView>(`${exchange.gateway('sys-a').url}/v1/documents/${id}`, exchange.apiKey(A));

  it('delivers a document from A to B and C, and A sees both 01 (arrived) receipts', async () => {
    const sent = await send([B, C]);
    expect(sent.status).toBe(202);
    const receipts = await eventually('both 01 receipts at A', async () => {
      const { body } = await view(sent.body.id);
      return body.recipients.every((r) => r.statusCode === '01') && body.recipients;
    });
    expect(receipts.map((r) => r.organId).sort()).toEqual([B, C]);

    for (const code of [B, C]) {
      const inbox = await exchange.api<{ items: Array<{ id: string; verdict: string; from: string }> }>(`${exchange.gateway('sys-b').url}/v1/documents/inbox`, exchange.apiKey(code));
      expect(inbox.body.items).toEqual([expect.objectContaining({ id: sent.body.id, verdict: 'arrived', senderCode: A })]);
    }
    const original = await exchange.api<string>(`${exchange.gateway('sys-b').url}/v1/documents/${sent.body.id}/package`, exchange.apiKey(B));
    expect(original.status).toBe(200);
    expect(original.body).toContain('edx.hub'); // the hub's TraceHeader hop
    // The hub's signed receipt attestation of exactly these bytes travelled with it and was kept.
    const received = await exchange.api<{ receiptAttestation: string }>(`${exchange.gateway('sys-b').url}/v1/documents/${sent.body.id}`, exchange.apiKey(B));
    const store = TrustStore.fromPem([exchange.pki.rootCertificatePem], [exchange.pki.intermediateCertificatePem]);
    const attestation = verifyReceiptAttestation(received.body.receiptAttestation, { body: Buffer.from(original.body, 'utf8'), packageId: sent.body.id, hubCode: 'edx.hub', trustStore: store });
    expect(attestation).toMatchObject({ packageId: sent.body.id, verdict: 'valid', attestedBy: 'edx.hub', signatures: expect.arrayContaining([expect.objectContaining({ what: 'envelope' })]) });
    expect(new Date(attestation.receivedAt).getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe('a gateway shutting down', () => {
  const exchange = new ExchangeHarness('processes');
  beforeAll(() => exchange.start([{ id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] }]));
  afterAll(() => exchange.stop());

  it('finishes its SIGTERM shutdown with a DMS still following its live stream', async () => {
    const gateway = exchange.gateway('sys-b');
    const stream = new DmsView(exchange.fetch, () => gateway.url, exchange.apiKey(B));
    await eventually('the live stream to open', async () => stream.connections > 0);
    const started = Date.now();
    await exchange.stopGateway(gateway.systemId);
    await stream.close();
    // Well under the 10 s after which a supervisor (AppProcess.stop) would SIGKILL it.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('the exchange refuses what it must, with a reason (real broker, real databases)', () => {
  // Each case gets its own exchange so a failure in one cannot mask another.
  const exchange = new ExchangeHarness();
  let issuerOfA: IssuedIdentity;
  const connections: AmqpConnection[] = [];

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }, { code: C, name: 'UBND tỉnh Tây Ninh' }] },
    ]);
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
  });
  afterAll(async () => {
    for (const c of connections) await c.close();
    await exchange.stop();
  });

  async function publish(systemBaseId: string, exchangeName: string, routingKey: string, body: Buffer, messageId = newPackageId(), asAdmin = false, headers: Record<string, unknown> = {}): Promise<string> {
    const connection = asAdmin ? await exchange.adminConnection() : await exchange.connectAs(systemBaseId);
    connections.push(connection);
    await new ConfirmedPublisher(connection, { publishAsConnectionUser: !asAdmin }).publish(exchangeName, routingKey, body, { messageId, type: 'package', headers });
    return messageId;
  }
  /** A receipt attestation as the hub would sign it (with the hub's key), for `body` under `packageId`, dated `receivedAt`. */
  const attestedAs = (body: Buffer, packageId: string, receivedAt = new Date()) => {
    const hub = loadIdentity({ pem: { key: readFileSync(path.join(exchange.dir, 'hub', 'key.pem'), 'utf8'), cert: readFileSync(path.join(exchange.dir, 'hub', 'cert.pem'), 'utf8') } });
    const token = signReceiptAttestation(
      { packageId, sha256: createHash('sha256').update(body).digest('hex'), receivedAt: receivedAt.toISOString(), verdict: 'valid', signatures: [], attestedBy: 'edx.hub' },
      hub,
    );
    return { 'x-edx-receipt-attestation': token };
  };
  const packageFromA = (to: string[], packageId = newPackageId()) => signedPackage({ from: A, to, pdf: signedPdf(issuerOfA), identity: exchange.identityOf(A), packageId });
  const statusesAtA = (id: string) =>
    exchange.api<StatusList>(`${exchange.gateway('sys-a').url}/v1/documents/${id}/statuses`, exchange.apiKey(A)).then((r) => r.body.items);
  const inboxOf = (agency: string) => exchange.api<Inbox>(`${exchange.gateway('sys-b').url}/v1/documents/inbox?all=true&limit=1000`, exchange.apiKey(agency)).then((r) => r.body.items);
  const deadLetter = (messageId: string) =>
    eventually(`the dead letter of ${messageId}`, async () => (await exchange.hubQuery<{ code: string; reason: string }>('SELECT code, reason FROM dead_letters WHERE message_id = $1', [messageId]))[0]);

  it('the hub refuses a package altered after signing; the sender gets 02 with the reason', async () => {
    const id = await publish('sys-a', Topology.hubExchange, Topology.packageKey, alterAttachment(packageFromA([B])));
    const statuses = await eventually('a 02 at A', async () => (await statusesAtA(id)).find((s) => s.statusCode === '02'));
    expect(statuses.description).toContain('DIGEST_MISMATCH');
    expect(await deadLetter(id)).toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect((await inboxOf(B)).map((d) => d.id)).not.toContain(id);
  });

  it('a receiving gateway re-verifies: an altered package reaching it, even attested, is stored as rejected and answered 02', async () => {
    // Published straight to B's binding as the broker administrator, past the hub's check, with an attestation as a broken hub would sign it.
    const id = newPackageId();
    const altered = alterAttachment(packageFromA([B], id));
    await publish('', Topology.deliverExchange, B, altered, id, true, attestedAs(altered, id));
    const stored = await eventually('the rejected package in B\'s inbox', async () => (await inboxOf(B)).find((d) => d.id === id));
    expect(stored).toMatchObject({ verdict: 'rejected', rejectCode: 'DIGEST_MISMATCH' });
    const out = await exchange.api<StatusList>(`${exchange.gateway('sys-b').url}/v1/documents/${id}/statuses`, exchange.apiKey(B));
    expect(out.body.items).toEqual([expect.objectContaining({ direction: 'out', statusCode: '02', description: expect.stringContaining('DIGEST_MISMATCH') })]);
  });

  it("refuses a package that reaches a gateway without the hub's receipt attestation (it did not come through the hub)", async () => {
    const id = newPackageId();
    await publish('', Topology.deliverExchange, B, packageFromA([B], id), id, true);
    const stored = await eventually("the refused package in B's inbox", async () => (await inboxOf(B)).find((d) => d.id === id));
    expect(stored).toMatchObject({ verdict: 'rejected', rejectCode: 'ATTESTATION_INVALID' });
  });

  it('judges a package at the time the hub attested, not when the gateway gets to it: a certificate expired since then still verifies', async () => {
    // Signed by a certificate valid only until a minute ago; the hub attested it while it was valid.
    const id = newPackageId();
    const brief = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ', validFrom: new Date(Date.now() - 86_400_000 - 60_000), validDays: 1 });
    const body = signedPackage({ from: A, to: [B], pdf: signedPdf(issuerOfA), identity: brief.identity, packageId: id });
    await publish('', Topology.deliverExchange, B, body, id, true, attestedAs(body, id, new Date(Date.now() - 120_000)));
    const stored = await eventually("the package in B's inbox", async () => (await inboxOf(B)).find((d) => d.id === id));
    expect(stored).toMatchObject({ verdict: 'arrived' });
    // The same bytes attested now are judged now: the certificate has expired.
    const late = newPackageId();
    const lateBody = signedPackage({ from: A, to: [B], pdf: signedPdf(issuerOfA), identity: brief.identity, packageId: late });
    await publish('', Topology.deliverExchange, B, lateBody, late, true, attestedAs(lateBody, late));
    expect(await eventually("the late package in B's inbox", async () => (await inboxOf(B)).find((d) => d.id === late))).toMatchObject({ verdict: 'rejected', rejectCode: 'CERT_EXPIRED' });
  });

  it('a duplicate publish of the same package yields one document and one delivery per recipient, each copy the one the hub recorded', async () => {
    const id = newPackageId();
    const body = packageFromA([B, C], id);
    // A tap on B's routing key sees every copy the hub sends B, before the gateway deduplicates them.
    const admin = await exchange.adminConnection();
    connections.push(admin);
    const tap = await admin.createChannel();
    const { queue } = await tap.assertQueue('', { exclusive: true });
    await tap.bindQueue(queue, Topology.deliverExchange, B);
    const copies: Array<{ body: Buffer; attestation: string }> = [];
    await tap.consume(queue, (m) => {
      if (m?.properties.messageId === id) copies.push({ body: m.content, attestation: String(m.properties.headers?.['x-edx-receipt-attestation']) });
    }, { noAck: true });
    await publish('sys-a', Topology.hubExchange, Topology.packageKey, body, id);
    await eventually('the first copy to B', async () => copies.length === 1);
    await publish('sys-a', Topology.hubExchange, Topology.packageKey, body, id);
    await eventually('the second copy to B', async () => copies.length === 2);
    await tap.close();
    const [recorded] = await exchange.hubQuery<{ body: Buffer; attestation: string }>(
      "SELECT p.body, e.detail->>'attestation' AS attestation FROM delivered_packages p JOIN events e ON e.document_id = p.document_id AND e.seq = 1 WHERE p.document_id = $1", [id],
    );
    for (const copy of copies) expect(copy).toEqual({ body: recorded.body, attestation: recorded.attestation });
    // A marker sent after both copies: once it is receipted, both copies were handled (queues are FIFO).
    const markerId = newPackageId();
    const marker = await publish('sys-a', Topology.hubExchange, Topology.packageKey, packageFromA([B, C], markerId), markerId);
    await eventually('the marker receipted by B and C', async () => (await statusesAtA(marker)).filter((s) => s.statusCode === '01').length === 2);
    for (const agency of [B, C]) expect((await inboxOf(agency)).filter((d) => d.id === id)).toHaveLength(1);
    expect(await exchange.hubQuery('SELECT 1 FROM documents WHERE id = $1', [id])).toHaveLength(1);
    expect(await exchange.hubQuery('SELECT recipient_code FROM deliveries WHERE document_id = $1', [id])).toHaveLength(2);
    expect((await statusesAtA(id)).filter((s) => s.statusCode === '01')).toHaveLength(2);
  });

  it('refuses a system publishing for an agency it does not host (spoofed sender), telling no one but the operator', async () => {
    const id = await publish('sys-b', Topology.hubExchange, Topology.packageKey, packageFromA([C]));
    expect(await deadLetter(id)).toMatchObject({ code: 'ROUTING_SENDER_NOT_HOSTED' });
    expect((await inboxOf(C)).map((d) => d.id)).not.toContain(id);
    expect(await statusesAtA(id)).toEqual([]);
  });

  it('tells the sender when a recipient is not registered: 02 for that recipient, the others still served', async () => {
    const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B, '000.00.00.X99'], signedPdf(issuerOfA)) });
    const statuses = await eventually('01 from B and 02 for X99', async () => {
      const items = await statusesAtA(sent.body.id);
      return items.some((s) => s.from === B && s.statusCode === '01') && items.some((s) => s.from === '000.00.00.X99' && s.statusCode === '02') && items;
    });
    expect(statuses.find((s) => s.statusCode === '02')?.description).toContain('ROUTING_RECIPIENT_UNKNOWN');
  });

  it('turns a recipient whose binding is missing (no queue takes it) into a rejection, never a silent drop', async () => {
    const admin = await exchange.adminConnection();
    connections.push(admin);
    const channel = await admin.createChannel();
    await unbindAgencies(channel, exchange.systemId('sys-b'), [C]);
    await channel.close();
    const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([C], signedPdf(issuerOfA)) });
    const rejection = await eventually('a 02 for C', async () => (await statusesAtA(sent.body.id)).find((s) => s.statusCode === '02'));
    expect(rejection).toMatchObject({ from: C, description: expect.stringContaining('ROUTING_RECIPIENT_UNROUTABLE') });
    const [delivery] = await exchange.hubQuery<{ state: string }>('SELECT state FROM deliveries WHERE document_id = $1', [sent.body.id]);
    expect(delivery.state).toBe('rejected');
  });

  it('loses nothing when the hub\'s consumer dies before acking: every document reaches every recipient once', async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, async () => (await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], signedPdf(issuerOfA)) })).body.id),
    );
    // Cut the hub's broker connection mid-flow: its unacked messages go back to hub.inbound.
    const admin = new BrokerAdmin({ managementUrl: MANAGEMENT_URL });
    await eventually('the hub connection to be listed', async () => (await admin.listConnections(exchange.vhost)).some((c) => c.client_properties?.connection_name === 'edx-hub'));
    await admin.closeConnections((c) => c.client_properties?.connection_name === 'edx-hub', exchange.vhost);
    await eventually('every document receipted', async () => {
      const all = await Promise.all(ids.map(async (id) => (await statusesAtA(id)).filter((s) => s.statusCode === '01').length));
      return all.every((n) => n >= 1);
    }, 60_000);
    const inbox = (await inboxOf(B)).map((d) => d.id).filter((id) => ids.includes(id));
    expect(inbox.sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await statusesAtA(id)).filter((s) => s.statusCode === '01')).toHaveLength(1);
  });

  it("pages a long inbox with `next` and `?after=`: every document once, in order; a bad cursor or date is refused with a reason", async () => {
    const url = `${exchange.gateway('sys-b').url}/v1/documents/inbox?all=true`;
    const whole = (await inboxOf(B)).map((d) => d.id);
    expect(whole.length).toBeGreaterThan(7);
    const paged: string[] = [];
    for (let after = ''; ; ) {
      const page = await exchange.api<Inbox & { next?: string }>(`${url}&limit=7${after ? `&after=${after}` : ''}`, exchange.apiKey(B));
      paged.push(...page.body.items.map((d) => d.id));
      if (!page.body.next) break;
      expect(page.body.items).toHaveLength(7);
      after = page.body.next;
    }
    expect(paged).toEqual(whole);
    expect(await exchange.api(`${url}&after=not-an-id`, exchange.apiKey(B))).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID', message: expect.stringContaining('?after=') } });
    expect(await exchange.api(`${url}&after=${newPackageId()}`, exchange.apiKey(B))).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await exchange.api(`${url}&since=yesterday`, exchange.apiKey(B))).toMatchObject({ status: 400, body: { code: 'REQUEST_INVALID', message: expect.stringContaining('?since=') } });
  });
});
