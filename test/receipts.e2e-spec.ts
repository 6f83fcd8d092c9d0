import { deterministicUuid } from '@edx/common';
import { Package, buildStatus, parseEdxml, responseForPackage } from '@edx/edxml';
import { AmqpConnection, ConfirmedPublisher, StatusHeaders, Topology, declareSystemInbox, unbindAgencies } from '@edx/messaging';
import { IssuedIdentity, writeSignedStatus } from '@edx/trust';
import { randomUUID } from 'node:crypto';
import { findChainBreak } from '@edx/storage';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { documentFields, signedPdf } from './support/documents';
import { signedPackage } from './support/packages';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const C = '000.00.00.H53';
/** Hosted by sys-c, but its binding is removed for the unroutable case. */
const D = '000.00.00.H54';

type RecipientView = { organId: string; state: string; statusCode: string | null; history: Array<{ statusCode: string; moved: boolean }> };
type DocumentView = { recipients: RecipientView[]; statuses: Array<{ direction: string; from: string; statusCode: string }> };
type IncomingView = { state: string; statuses: Array<{ direction: string; from: string; statusCode: string }> };
type StatusList = { items: Array<{ direction: string; from: string; statusCode: string; description: string }> };
type ChainRow = { seq: number; type: string; recipient_code: string | null; status_code: string | null; actor: string; detail: Record<string, unknown> };

/**
 * Statuses are legal receipts: a connected system holding its own valid broker credentials and its
 * agencies' keys (a hostile DMS operator) must not make the exchange record, forward or suppress a
 * status it does not own. Every attack here is published as that system's own broker user, signed
 * with its own agency's real key; every case checks the refusal code, that the genuine receipts still
 * reach the sender, and that the document's event chain holds only genuine entries.
 */
describe('receipts that cannot be forged, suppressed or misattributed (real broker, real databases)', () => {
  const exchange = new ExchangeHarness();
  let issuerOfA: IssuedIdentity;
  const connections: AmqpConnection[] = [];

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
      { id: 'sys-c', agencies: [{ code: C, name: 'UBND tỉnh Tây Ninh' }, { code: D, name: 'UBND tỉnh Tiền Giang' }] },
    ]);
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
  });
  afterAll(async () => {
    for (const c of connections) await c.close();
    await exchange.stop();
  });

  const gatewayOf: Record<string, string> = { [A]: 'sys-a', [B]: 'sys-b', [C]: 'sys-c', [D]: 'sys-c' };
  const url = (agency: string, path: string) => `${exchange.gateway(gatewayOf[agency]).url}/v1/documents${path}`;
  const send = async (to: string[]) => {
    const sent = await exchange.api<{ id: string }>(url(A, ''), exchange.apiKey(A), { body: documentFields(to, signedPdf(issuerOfA)) });
    expect(sent.status).toBe(202);
    return sent.body.id;
  };
  const senderView = (id: string) => exchange.api<DocumentView>(url(A, `/${id}`), exchange.apiKey(A)).then((r) => r.body);
  const recipientOf = (view: DocumentView, code: string) => view.recipients.find((r) => r.organId === code)!;
  const statusesAt = (agency: string, id: string) => exchange.api<StatusList>(url(agency, `/${id}/statuses`), exchange.apiKey(agency)).then((r) => r.body.items);
  const post = async (agency: string, id: string, statusCode: string) => {
    const res = await exchange.api<{ id: string }>(url(agency, `/${id}/statuses`), exchange.apiKey(agency), { body: { statusCode } });
    expect(res).toMatchObject({ status: 202 });
    return res.body.id;
  };
  /**
   * A recipient's status posted, and seen in the sender's view before the next: batches run
   * concurrently, so statuses posted back to back may arrive in another order (the state would be the
   * same, the history's order not).
   */
  const postSeen = async (agency: string, id: string, statusCode: string) => {
    const before = recipientOf(await senderView(id), agency).history.length;
    await post(agency, id, statusCode);
    await eventually(`${agency}'s ${statusCode} in A's view`, async () => recipientOf(await senderView(id), agency).history.length > before);
  };
  const stateAtA = async (id: string, recipient: string, state: string) =>
    eventually(`${recipient} ${state} in A's view of ${id}`, async () => {
      const view = await senderView(id);
      return recipientOf(view, recipient)?.state === state && view;
    });
  const hubStates = async (id: string) =>
    Object.fromEntries((await exchange.hubQuery<{ recipient_code: string; state: string }>('SELECT recipient_code, state FROM deliveries WHERE document_id = $1', [id])).map((r) => [r.recipient_code, r.state]));
  const chain = async (id: string) => {
    const rows = await exchange.hubQuery<ChainRow & { id: string; document_id: string; at: Date; prev_hash: string; hash: string }>('SELECT * FROM events WHERE document_id = $1 ORDER BY seq', [id]);
    const events = rows.map((r) => ({ id: r.id, documentId: r.document_id, seq: r.seq, recipientCode: r.recipient_code, type: r.type, statusCode: r.status_code, actor: r.actor, detail: r.detail, at: r.at, prevHash: r.prev_hash, hash: r.hash }));
    expect(findChainBreak(events)).toBeUndefined();
    return rows;
  };
  /** Every status event in the chain was said by the system hosting the agency it is filed under, or by the hub. */
  const onlyGenuine = (rows: ChainRow[], refusedIds: string[]) => {
    for (const row of rows.filter((r) => r.type === 'status')) {
      expect(refusedIds).not.toContain(row.detail.messageId);
      if (row.actor !== 'hub') expect(row.actor).toBe(exchange.systemId(gatewayOf[row.recipient_code!]));
    }
  };
  const deadLetter = (messageId: string) =>
    eventually(`the dead letter of ${messageId}`, async () => (await exchange.hubQuery<{ code: string; reason: string }>('SELECT code, reason FROM dead_letters WHERE message_id = $1', [messageId]))[0]);
  /** The package as a recipient's DMS holds it (what a hostile recipient has to forge from). */
  const packageAt = async (agency: string, id: string): Promise<Package> => {
    const res = await exchange.fetch(url(agency, `/${id}/package`), { headers: { 'x-api-key': exchange.apiKey(agency) } });
    const parsed = parseEdxml(Buffer.from(await res.arrayBuffer()));
    if (parsed.kind !== 'package') throw new TypeError('not a package');
    return parsed.package;
  };

  /** A status signed with `as`'s real key, published by `system` with its own broker credentials. */
  async function publishStatus(system: string, input: { as: string; about: Package; statusCode: string; signedFor: string; filedUnder?: string; messageId?: string }): Promise<string> {
    const messageId = input.messageId ?? randomUUID();
    const status = buildStatus({ from: { organId: input.as, organName: input.as }, responseFor: responseForPackage(input.about), statusCode: input.statusCode, description: 'published straight to the broker', at: new Date() });
    const body = writeSignedStatus(status, exchange.identityOf(input.as), messageId, input.signedFor);
    const connection = await exchange.connectAs(system);
    connections.push(connection);
    await new ConfirmedPublisher(connection, { publishAsConnectionUser: true }).publish(Topology.hubExchange, Topology.statusKey, body, {
      messageId,
      type: 'status',
      headers: { [StatusHeaders.packageId]: input.filedUnder ?? input.signedFor },
    });
    return messageId;
  }

  it('refuses a status from an agency that is not a recipient of the document (STATUS_AUTHOR_NOT_RECIPIENT)', async () => {
    const id = await send([B]);
    await stateAtA(id, B, 'arrived');
    // C's system, with its own credentials and C's own key, claims C accepted a document sent only to B.
    const forged = await publishStatus('sys-c', { as: C, about: await packageAt(B, id), statusCode: '03', signedFor: id });
    expect(await deadLetter(forged)).toMatchObject({ code: 'STATUS_AUTHOR_NOT_RECIPIENT' });
    await post(B, id, '03');
    await stateAtA(id, B, 'accepted');
    expect((await statusesAt(A, id)).map((s) => s.from)).not.toContain(C);
    const rows = await chain(id);
    expect(rows.filter((r) => r.recipient_code === C)).toEqual([]);
    onlyGenuine(rows, [forged]);
  });

  it('refuses a status whose signed ResponseFor names another document than the one it is filed under (STATUS_DOCUMENT_MISMATCH)', async () => {
    const [first, second] = [await send([B, C]), await send([B, C])];
    await stateAtA(second, C, 'arrived');
    // C answers its first document but files the signed answer under the second.
    const forged = await publishStatus('sys-c', { as: C, about: await packageAt(C, first), statusCode: '06', signedFor: second });
    expect(await deadLetter(forged)).toMatchObject({ code: 'STATUS_DOCUMENT_MISMATCH' });
    await post(B, second, '03');
    await stateAtA(second, B, 'accepted');
    expect(await hubStates(second)).toEqual({ [B]: 'accepted', [C]: 'arrived' });
    expect(recipientOf(await senderView(second), C).state).toBe('arrived');
    onlyGenuine(await chain(second), [forged]);
  });

  it('refuses a status filed under another package id than the one its signature binds (SIGNATURE_PACKAGE_ID_MISMATCH)', async () => {
    const [first, second] = [await send([B, C]), await send([B, C])];
    await stateAtA(second, C, 'arrived');
    // The ResponseFor names the second document, the signature binds the first; the unsigned header says the second.
    const forged = await publishStatus('sys-c', { as: C, about: await packageAt(C, second), statusCode: '06', signedFor: first, filedUnder: second });
    expect(await deadLetter(forged)).toMatchObject({ code: 'SIGNATURE_PACKAGE_ID_MISMATCH' });
    await post(C, second, '03');
    await stateAtA(second, C, 'accepted');
    expect(await hubStates(second)).toEqual({ [B]: 'arrived', [C]: 'accepted' });
    onlyGenuine(await chain(second), [forged]);
    onlyGenuine(await chain(first), [forged]);
  });

  it('refuses a recall (13) from a recipient: only the sender may ask for its document back (STATUS_AUTHOR_NOT_SENDER)', async () => {
    const id = await send([B, C]);
    await stateAtA(id, C, 'arrived');
    await stateAtA(id, B, 'arrived');
    const forged = await publishStatus('sys-c', { as: C, about: await packageAt(C, id), statusCode: '13', signedFor: id });
    expect(await deadLetter(forged)).toMatchObject({ code: 'STATUS_AUTHOR_NOT_SENDER' });
    // A marker after the forgery on the same path (B -> hub -> A): once A has it, the forgery would have arrived too.
    await post(B, id, '03');
    await stateAtA(id, B, 'accepted');
    expect((await statusesAt(B, id)).map((s) => s.statusCode)).not.toContain('13');
    expect((await statusesAt(A, id)).map((s) => s.statusCode)).not.toContain('13');
    onlyGenuine(await chain(id), [forged]);
  });

  it("a sender's gateway checks authorship again: a status that did not come through the hub's check is refused there", async () => {
    const id = await send([B]);
    await stateAtA(id, B, 'arrived');
    // Put straight on A's binding as the broker administrator (as a broken hub would), signed with C's real key.
    const messageId = randomUUID();
    const status = buildStatus({ from: { organId: C, organName: C }, responseFor: responseForPackage(await packageAt(B, id)), statusCode: '06', description: 'forged', at: new Date() });
    const admin = await exchange.adminConnection();
    connections.push(admin);
    await new ConfirmedPublisher(admin).publish(Topology.deliverExchange, A, writeSignedStatus(status, exchange.identityOf(C), messageId, id), {
      messageId, type: 'status', mandatory: true, headers: { [StatusHeaders.packageId]: id },
    });
    // The gateway may not write to edx.dead: it rejects, and the broker dead-letters it from A's inbox.
    expect(await deadLetter(messageId)).toMatchObject({ code: 'MESSAGING_REJECTED', reason: expect.stringContaining(Topology.systemInbox(exchange.systemId('sys-a'))) });
    await post(B, id, '03');
    await stateAtA(id, B, 'accepted');
    expect((await statusesAt(A, id)).map((s) => s.from)).not.toContain(C);
    onlyGenuine(await chain(id), [messageId]);
  });

  it('takes a recall that reaches the hub in the same batch as the package it recalls', async () => {
    const id = randomUUID();
    const body = signedPackage({ from: A, to: [B], pdf: signedPdf(issuerOfA), identity: exchange.identityOf(A), packageId: id });
    const parsed = parseEdxml(body);
    if (parsed.kind !== 'package') throw new TypeError('not a package');
    await exchange.stopHub();
    try {
      const connection = await exchange.connectAs('sys-a');
      connections.push(connection);
      await new ConfirmedPublisher(connection, { publishAsConnectionUser: true }).publish(Topology.hubExchange, Topology.packageKey, body, { messageId: id, type: 'package' });
      const recall = await publishStatus('sys-a', { as: A, about: parsed.package, statusCode: '13', signedFor: id });
      await exchange.startHub();
      await eventually('the recall at B', async () => (await statusesAt(B, id)).some((s) => s.direction === 'in' && s.from === A && s.statusCode === '13'));
      expect(await exchange.hubQuery('SELECT 1 FROM dead_letters WHERE message_id = $1', [recall])).toEqual([]);
      onlyGenuine(await chain(id), []);
    } finally {
      if (!exchange.hub) await exchange.startHub();
    }
  });

  it("cannot suppress a recipient's receipt by publishing first under the id that receipt will have", async () => {
    // B's gateway is down, so C's system learns the document and publishes before B answers.
    await exchange.stopGateway(exchange.systemId('sys-b'));
    const id = await send([B, C]);
    await stateAtA(id, C, 'arrived');
    const bsFutureId = deterministicUuid(id, B, '01'); // what B's gateway will call its 01: public values
    const early = await publishStatus('sys-c', { as: C, about: await packageAt(C, id), statusCode: '01', signedFor: id, messageId: bsFutureId });
    await eventually("C's early copy recorded by the hub", async () => (await chain(id)).some((r) => r.detail.messageId === early && r.recipient_code === C));
    await exchange.startGateway(exchange.systemId('sys-b'));
    const view = await stateAtA(id, B, 'arrived');
    expect(recipientOf(view, B).statusCode).toBe('01');
    expect(await hubStates(id)).toEqual({ [B]: 'arrived', [C]: 'arrived' });
    const rows = await chain(id);
    expect(rows.filter((r) => r.type === 'status' && r.recipient_code === B)).toEqual([expect.objectContaining({ status_code: '01', actor: exchange.systemId('sys-b') })]);
    onlyGenuine(rows, []);
  });

  it('a package to three recipients, one unroutable: two 01 and one 02, each for the right recipient', async () => {
    const admin = await exchange.adminConnection();
    connections.push(admin);
    const channel = await admin.createChannel();
    await unbindAgencies(channel, exchange.systemId('sys-c'), [D]);
    try {
      // D last: its copy comes back while B's and C's (same message id) still wait for their confirms.
      const id = await send([B, C, D]);
      const view = await eventually('01, 01 and 02 at A', async () => {
        const v = await senderView(id);
        return v.recipients.every((r) => r.statusCode !== null) && v;
      });
      expect(Object.fromEntries(view.recipients.map((r) => [r.organId, r.statusCode]))).toEqual({ [B]: '01', [C]: '01', [D]: '02' });
      const statuses = await statusesAt(A, id);
      expect(statuses.filter((s) => s.statusCode === '02')).toEqual([expect.objectContaining({ from: D, description: expect.stringContaining('ROUTING_RECIPIENT_UNROUTABLE') })]);
      expect(await hubStates(id)).toEqual({ [B]: 'arrived', [C]: 'arrived', [D]: 'rejected' });
      onlyGenuine(await chain(id), []);
    } finally {
      await declareSystemInbox(channel, exchange.systemId('sys-c'), [C, D]);
      await channel.close();
    }
  });

  it('turns a status nobody can take (the sender is no longer bound), its recipient\'s or the hub\'s, into a dead letter with its reason, never a silent drop', async () => {
    const id = await send([B]);
    await stateAtA(id, B, 'arrived');
    const admin = await exchange.adminConnection();
    connections.push(admin);
    const channel = await admin.createChannel();
    await unbindAgencies(channel, exchange.systemId('sys-a'), [A]);
    try {
      const statusId = await post(B, id, '03');
      const dead = await deadLetter(statusId);
      expect(dead).toMatchObject({ code: 'STATUS_UNROUTABLE', reason: expect.stringContaining(A) });
      // Recorded all the same: the delivery moved, and the operator can replay it once A is bound again.
      expect(await hubStates(id)).toEqual({ [B]: 'accepted' });
      // The hub's own 02 (an unregistered recipient) to the unbound sender: the package it is about says why.
      const unknownRecipient = await send(['000.00.00.X99']);
      expect(await deadLetter(unknownRecipient)).toMatchObject({ code: 'STATUS_UNROUTABLE', reason: expect.stringContaining('000.00.00.X99') });
    } finally {
      await declareSystemInbox(channel, exchange.systemId('sys-a'), [A]);
      await channel.close();
    }
  });

  describe('every status through the gateways\' REST API, and both views agree', () => {
    /** The hub's delivery states and the sender's view say the same for every recipient. */
    const bothViewsAgree = async (id: string) => {
      const view = await senderView(id);
      expect(Object.fromEntries(view.recipients.map((r) => [r.organId, r.state]))).toEqual(await hubStates(id));
      return view;
    };

    it('02 to 06: a recipient accepts, is assigned, processes twice and completes; another rejects', async () => {
      const id = await send([B, C]);
      await stateAtA(id, C, 'arrived');
      await stateAtA(id, B, 'arrived');
      for (const code of ['03', '04', '05', '05', '06']) await postSeen(B, id, code);
      await postSeen(C, id, '02');
      await stateAtA(id, B, 'completed');
      const view = await stateAtA(id, C, 'rejected');
      expect(recipientOf(view, B).history.map((h) => [h.statusCode, h.moved])).toEqual([['01', true], ['03', true], ['04', true], ['05', true], ['05', false], ['06', true]]);
      await bothViewsAgree(id);
      expect((await exchange.api<IncomingView>(url(B, `/${id}`), exchange.apiKey(B))).body.state).toBe('completed');
      expect((await exchange.api<IncomingView>(url(C, `/${id}`), exchange.apiKey(C))).body.state).toBe('rejected');
      onlyGenuine(await chain(id), []);
    });

    it('a late 01 after 03 and a duplicate 03 are listed, and move nothing back', async () => {
      const id = await send([B]);
      await stateAtA(id, B, 'arrived');
      await postSeen(B, id, '03');
      await postSeen(B, id, '03');
      await postSeen(B, id, '01'); // last: a view that shows the latest status would go back to "arrived"
      const view = await senderView(id);
      expect(recipientOf(view, B)).toMatchObject({ state: 'accepted', statusCode: '03' });
      expect(recipientOf(view, B).history.map((h) => [h.statusCode, h.moved])).toEqual([['01', true], ['03', true], ['03', false], ['01', false]]);
      await bothViewsAgree(id);
      expect((await exchange.api<IncomingView>(url(B, `/${id}`), exchange.apiKey(B))).body.state).toBe('accepted');
      const rows = await chain(id);
      expect(rows.filter((r) => r.type === 'status').map((r) => [r.status_code, r.detail.moved])).toEqual([['01', true], ['03', true], ['03', false], ['01', false]]);
    });

    it('a recall (13): one recipient agrees (15), the other refuses (16)', async () => {
      const id = await send([B, C]);
      await stateAtA(id, C, 'arrived');
      await stateAtA(id, B, 'arrived');
      await post(C, id, '03');
      await stateAtA(id, C, 'accepted');
      await post(A, id, '13');
      for (const agency of [B, C]) {
        await eventually(`the recall at ${agency}`, async () => (await statusesAt(agency, id)).some((s) => s.direction === 'in' && s.from === A && s.statusCode === '13'));
      }
      await postSeen(B, id, '15');
      await postSeen(C, id, '16');
      await stateAtA(id, B, 'recalled');
      const view = await eventually("C's refusal at A", async () => {
        const v = await senderView(id);
        return recipientOf(v, C).history.some((h) => h.statusCode === '16') && v;
      });
      expect(recipientOf(view, C)).toMatchObject({ state: 'accepted', statusCode: '03' });
      await bothViewsAgree(id);
      expect((await exchange.api<IncomingView>(url(B, `/${id}`), exchange.apiKey(B))).body.state).toBe('recalled');
      expect((await exchange.api<IncomingView>(url(C, `/${id}`), exchange.apiKey(C))).body.state).toBe('accepted');
      onlyGenuine(await chain(id), []);
    });
  });
});
