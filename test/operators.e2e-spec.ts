import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventHash } from '@edx/storage';
import { DeliveryProof, IssuedIdentity } from '@edx/trust';
import { CommandResult } from '../apps/cli/src/command';
import { COMMANDS } from '../apps/cli/src/commands';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { documentFields, signedPdf } from './support/documents';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const C = '000.00.00.H53';
const UNKNOWN = '000.00.00.Z99';

type Recipient = { code: string; state: string; lastStatusCode: string | null; reason: string | null; overdue: string | null; history: Array<{ kind: string; statusCode?: string }> };
type DocumentView = { id: string; sender: string; subject: string; recipients: Recipient[]; overdue: boolean };
type Trace = { entries: Array<{ at: string; kind: string; by: string; recipient?: string; statusCode?: string; summary: string; detail?: Record<string, unknown> }> };

describe('operators: documents, their journey and the audit (real exchange)', () => {
  const exchange = new ExchangeHarness();
  let issuerOfA: IssuedIdentity;
  let sentId: string;

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }, { code: C, name: 'UBND tỉnh Tây Ninh' }] },
    ]);
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
    const fields = { ...documentFields([B, C, UNKNOWN], signedPdf(issuerOfA)), subject: 'V/v kết nối liên thông văn bản', codeNumber: '7816' };
    const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: fields });
    expect(sent.status).toBe(202);
    sentId = sent.body.id;
    await eventually('both 01 at the hub', async () => {
      const { body } = await exchange.operator<DocumentView>(`/v1/documents/${sentId}`);
      return body.recipients?.filter((r) => r.state === 'arrived').length === 2;
    });
  });
  afterAll(() => exchange.stop());

  /** A verb of the `edx` CLI, as `edx VERB ARGS --json` runs it, against this exchange's console. */
  const edx = (name: string, ...args: string[]): Promise<CommandResult> =>
    COMMANDS.find((c) => c.name === name)!.run({ args: [...args, '--console', exchange.consoleUrl, '--cacert', exchange.transportCaFile, '--token', exchange.operatorToken, '--json'], json: true, print: () => undefined });

  /** Sends A -> B and resolves with the package id once B's 01 is recorded at the hub. */
  async function deliveredToB(): Promise<string> {
    const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], signedPdf(issuerOfA)) });
    await eventually('01 from B at the hub', async () => (await exchange.operator<DocumentView>(`/v1/documents/${sent.body.id}`)).body.recipients?.[0]?.state === 'arrived');
    return sent.body.id;
  }

  /** What a database owner can do to the append-only log: switch its guard off, change history, switch it on. */
  async function tamper(sql: string, params: unknown[]): Promise<void> {
    await exchange.hubQuery('ALTER TABLE events DISABLE TRIGGER events_no_update');
    try {
      await exchange.hubQuery(sql, params);
    } finally {
      await exchange.hubQuery('ALTER TABLE events ENABLE TRIGGER events_no_update');
    }
  }

  it('answers "where is it, who has it, and why not the others" for one document', async () => {
    const { status, body } = await exchange.operator<DocumentView>(`/v1/documents/${sentId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: sentId, sender: A, subject: 'V/v kết nối liên thông văn bản', overdue: false });
    const byCode = Object.fromEntries(body.recipients.map((r) => [r.code, r]));
    expect(byCode[B]).toMatchObject({ state: 'arrived', lastStatusCode: '01', overdue: null });
    expect(byCode[C]).toMatchObject({ state: 'arrived', lastStatusCode: '01' });
    expect(byCode[UNKNOWN]).toMatchObject({ state: 'rejected', lastStatusCode: '02', reason: expect.stringContaining('ROUTING_RECIPIENT_UNKNOWN') });
    expect(byCode[B].history.map((h) => h.kind)).toEqual(['routed', 'status']);
  });

  it('tells the journey in time order: verified with each signature, routed, arrived, refused with the reason', async () => {
    const { status, body } = await exchange.operator<Trace>(`/v1/documents/${sentId}/trace`);
    expect(status).toBe(200);
    const times = body.entries.map((e) => e.at);
    expect([...times].sort()).toEqual(times);
    const verified = body.entries.find((e) => e.kind === 'verified')!;
    expect(verified.by).toBe('hub');
    expect(verified.detail?.signatures).toEqual(expect.arrayContaining([expect.objectContaining({ what: 'envelope', verdict: 'valid' })]));
    expect(body.entries.filter((e) => e.kind === 'routed').map((e) => e.recipient).sort()).toEqual([B, C]);
    expect(body.entries.find((e) => e.kind === 'refused')).toMatchObject({ recipient: UNKNOWN, summary: expect.stringContaining('ROUTING_RECIPIENT_UNKNOWN') });
    const arrivals = body.entries.filter((e) => e.kind === 'status' && e.statusCode === '01');
    expect(arrivals.map((e) => e.recipient).sort()).toEqual([B, C]);
    // Arrival comes after routing for each recipient.
    for (const code of [B, C]) {
      const kinds = body.entries.filter((e) => e.recipient === code).map((e) => e.kind);
      expect(kinds).toEqual(['routed', 'status']);
    }
  });

  it('finds the document by sender, recipient, state, status code, text and date, with totals', async () => {
    const search = (q: string) => exchange.operator<{ items: Array<{ id: string }>; total: number; nextCursor: string | null }>(`/v1/documents?${q}`);
    const hit = async (q: string) => (await search(q)).body.items.some((d) => d.id === sentId);
    expect(await hit(`sender=${A}`)).toBe(true);
    expect(await hit(`recipient=${UNKNOWN}&statusCode=02`)).toBe(true);
    expect(await hit(`recipient=${B}&state=arrived`)).toBe(true);
    expect(await hit(`recipient=${B}&state=rejected`)).toBe(false);
    expect(await hit(`q=${encodeURIComponent('liên thông')}`)).toBe(true);
    expect(await hit('q=7816')).toBe(true);
    expect(await hit('q=nothing-like-this')).toBe(false);
    expect(await hit(`from=${new Date(Date.now() - 3600_000).toISOString()}`)).toBe(true);
    expect(await hit(`to=${new Date(Date.now() - 3600_000).toISOString()}`)).toBe(false);
    expect(await hit('overdue=true')).toBe(false);
    expect((await search(`sender=${A}`)).body.total).toBe(1);
  });

  it('refuses bad filters with a stable code and a sentence, and strangers with AUTH_REQUIRED', async () => {
    expect((await exchange.operator('/v1/documents?state=lost')).body).toMatchObject({ code: 'REQUEST_INVALID', message: expect.stringContaining('"state"') });
    expect((await exchange.operator('/v1/documents?sender=nobody')).body).toMatchObject({ code: 'EDXML_AGENCY_CODE' });
    expect((await exchange.operator('/v1/documents?cursor=xyz')).body).toMatchObject({ code: 'REQUEST_INVALID', message: expect.stringContaining('nextCursor') });
    expect((await exchange.operator('/v1/documents/not-a-uuid')).body).toMatchObject({ code: 'REQUEST_INVALID' });
    expect((await exchange.operator('/v1/documents/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const stranger = await exchange.operator('/v1/documents', undefined, 'wrong-token');
    expect(stranger).toMatchObject({ status: 401, body: { code: 'AUTH_REQUIRED' } });
    // Administrators see what operators see.
    expect((await exchange.operator(`/v1/documents/${sentId}`, undefined, exchange.adminToken)).status).toBe(200);
  });

  it('edx trace prints the journey', async () => {
    const result = await edx('trace', sentId);
    expect(result).toMatchObject({ ok: true, id: sentId });
    expect((result.entries as Array<{ kind: string }>).map((e) => e.kind)).toEqual(expect.arrayContaining(['verified', 'routed', 'status', 'refused']));
  });

  it('edx audit verify passes an untouched log, and names an edited row and a removed one', async () => {
    const edited = await deliveredToB();
    const removed = await deliveredToB();
    const newestRemoved = await deliveredToB();
    expect(await edx('audit verify')).toMatchObject({ ok: true, broken: [] });

    // received (1), routed (2), B's 01 (3)
    await tamper("UPDATE events SET detail = jsonb_set(detail, '{description}', '\"Đã hoàn thành\"'), status_code = '06' WHERE document_id = $1 AND seq = 3", [edited]);
    await tamper('DELETE FROM events WHERE document_id = $1 AND seq = 2', [removed]);
    await tamper('DELETE FROM events WHERE document_id = $1 AND seq = 3', [newestRemoved]);

    expect(await edx('audit verify', edited)).toMatchObject({ ok: false, code: 'CHAIN_BROKEN', broken: [{ documentId: edited, seq: 3, reason: expect.stringContaining('changed') }] });
    expect(await edx('audit verify', removed)).toMatchObject({ ok: false, code: 'CHAIN_BROKEN', broken: [{ documentId: removed, seq: 3, reason: expect.stringContaining('removed') }] });
    expect(await edx('audit verify', newestRemoved)).toMatchObject({ ok: false, broken: [{ documentId: newestRemoved, seq: 3, reason: expect.stringContaining('newest were removed') }] });
    const all = await edx('audit verify');
    expect(all).toMatchObject({ ok: false, code: 'CHAIN_BROKEN' });
    expect((all.broken as Array<{ documentId: string }>).map((b) => b.documentId).sort()).toEqual([edited, removed, newestRemoved].sort());
    expect(await edx('audit verify', sentId)).toMatchObject({ ok: true });
  });

  describe('proof of delivery', () => {
    let proofId: string;
    let trustDir: string;
    let exported: DeliveryProof;
    beforeAll(async () => {
      proofId = await deliveredToB();
      trustDir = path.join(exchange.dir, 'trust');
      mkdirSync(trustDir, { recursive: true });
      writeFileSync(path.join(trustDir, 'root.pem'), exchange.pki.rootCertificatePem);
      writeFileSync(path.join(trustDir, 'intermediate.pem'), exchange.pki.intermediateCertificatePem);
      writeFileSync(path.join(trustDir, 'crl.pem'), exchange.pki.crlPem());
      const file = path.join(exchange.dir, 'proof.json');
      expect(await edx('proof export', proofId, '--out', file)).toMatchObject({ ok: true, file, receipts: 1, events: 3 });
      exported = JSON.parse(readFileSync(file, 'utf8'));
    });

    /** `edx proof verify FILE --trust DIR --json` on `proof`, offline. */
    const verifyProof = async (proof: DeliveryProof) => {
      const file = path.join(exchange.dir, `proof-${randomUUID()}.json`);
      writeFileSync(file, JSON.stringify(proof));
      return COMMANDS.find((c) => c.name === 'proof verify')!.run({ args: [file, '--trust', trustDir, '--json'], json: true, print: () => undefined });
    };
    const failedItems = (result: CommandResult) => (result.checks as Array<{ item: string; ok: boolean }>).filter((c) => !c.ok).map((c) => c.item);
    const copy = (): DeliveryProof => JSON.parse(JSON.stringify(exported));

    it('exports the package as delivered, the verdicts, the attestation, the signed 01 and the chain, and the proof verifies offline', async () => {
      expect(exported).toMatchObject({ format: 'edx-delivery-proof/1', packageId: proofId, receipts: [{ from: B, statusCode: '01' }], chain: { head: { count: 3 } } });
      expect(exported.signatures.map((s) => s.verdict)).toEqual(expect.arrayContaining(['valid']));
      const result = await verifyProof(exported);
      expect(result).toMatchObject({ ok: true, packageId: proofId });
      expect((result.checks as Array<{ item: string }>).map((c) => c.item)).toEqual(['package', 'attestation', 'envelope signature', 'document signatures', 'chain', `receipt ${exported.receipts[0].messageId}`]);
    });

    it('catches a changed package byte, even with its stated sha256 recomputed', async () => {
      const proof = copy();
      const body = Buffer.from(proof.package.base64, 'base64');
      const at = body.indexOf('<edXMLBody');
      body[at + 1] = body[at + 1] ^ 0x20; // still well-formed enough to read; not the bytes the hub attested
      const forged = { ...proof, package: { base64: body.toString('base64'), sha256: createHash('sha256').update(body).digest('hex') } };
      const result = await verifyProof(forged);
      expect(result).toMatchObject({ ok: false, code: 'PROOF_INVALID' });
      expect(failedItems(result)).toContain('attestation');
    });

    it('catches an altered attestation', async () => {
      const proof = copy();
      const [h, p, sig] = proof.attestation.split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
      const forged = { ...proof, attestation: `${h}.${Buffer.from(JSON.stringify({ ...payload, receivedAt: new Date(Date.now() - 86_400_000).toISOString() })).toString('base64url')}.${sig}` };
      const result = await verifyProof(forged);
      expect(result).toMatchObject({ ok: false, code: 'PROOF_INVALID', message: expect.stringContaining('signature does not verify') });
      expect(failedItems(result)).toContain('attestation');
    });

    it('catches an altered receipt: not the status the chain recorded, and its signature no longer holds', async () => {
      const proof = copy();
      const receipt = Buffer.from(Buffer.from(proof.receipts[0].base64, 'base64').toString('utf8').replace('<StatusCode>01<', '<StatusCode>06<'));
      expect(receipt.toString()).toContain('<StatusCode>06<');
      const altered = [{ ...proof.receipts[0], base64: receipt.toString('base64') }];
      const item = `receipt ${proof.receipts[0].messageId}`;
      const result = await verifyProof({ ...proof, receipts: altered });
      expect(result).toMatchObject({ ok: false, code: 'PROOF_INVALID', message: expect.stringContaining('not the status the chain recorded') });
      expect(failedItems(result)).toEqual([item]);

      // A forger who also rewrites the chain's record of it breaks the chain, and the signature still fails.
      const entries = proof.chain.entries.map((e) => (e.detail.messageId === proof.receipts[0].messageId ? { ...e, detail: { ...e.detail, sha256: createHash('sha256').update(receipt).digest('hex') } } : e));
      const rewritten = await verifyProof({ ...proof, receipts: altered, chain: { ...proof.chain, entries } });
      expect(failedItems(rewritten)).toEqual(['chain', item]);
      expect((rewritten.checks as Array<{ item: string; code?: string }>).find((c) => c.item === item)?.code).toBe('DIGEST_MISMATCH');
    });

    it('catches an altered chain entry', async () => {
      const proof = copy();
      const entries = proof.chain.entries.map((e) => (e.seq === 3 ? { ...e, detail: { ...e.detail, description: 'Đã hoàn thành' } } : e));
      const result = await verifyProof({ ...proof, chain: { ...proof.chain, entries } });
      expect(result).toMatchObject({ ok: false, code: 'PROOF_INVALID', message: expect.stringContaining('event #3') });
      expect(failedItems(result)).toEqual(['chain']);
    });

    it('anchors the chain at the gateways: an event rewritten after a checkpoint, its chain recomputed, is caught against the checkpoint a gateway holds', async () => {
      const id = await deliveredToB();
      const taken = await edx('audit checkpoint');
      expect(taken).toMatchObject({ ok: true, seq: expect.any(Number), head: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const gateway = exchange.gateway('sys-b').url;
      await eventually('the checkpoint kept at the recipient gateway', async () => {
        const res = await exchange.fetch(`${gateway}/v1/checkpoints/latest`, { headers: { 'x-api-key': exchange.apiKey(B) } });
        return res.ok && ((await res.json()) as { seq: number }).seq >= (taken.seq as number);
      });
      const anchored = ['--gateway', gateway, '--api-key', exchange.apiKey(B), '--trust', trustDir];
      expect(await edx('audit verify', id, ...anchored)).toMatchObject({ ok: true, checkpoint: { ok: true } });

      // A database owner rewrites B's 01 (event 3) as a 06 and recomputes its hash and the document's head: the chain alone still holds.
      const [row] = await exchange.hubQuery<{ id: string; recipient_code: string; type: string; actor: string; detail: Record<string, unknown>; at: Date; prev_hash: string }>(
        'SELECT id, recipient_code, type, actor, detail, at, prev_hash FROM events WHERE document_id = $1 AND seq = 3', [id],
      );
      const detail = { ...row.detail, description: 'Đã hoàn thành' };
      const rewritten = eventHash({ id: row.id, documentId: id, seq: 3, recipientCode: row.recipient_code, type: row.type, statusCode: '06', actor: row.actor, detail, at: new Date(row.at), prevHash: row.prev_hash });
      await tamper('UPDATE events SET status_code = $2, detail = $3, hash = $4 WHERE document_id = $1 AND seq = 3', [id, '06', JSON.stringify(detail), rewritten]);
      await exchange.hubQuery('UPDATE documents SET last_event_hash = $2 WHERE id = $1', [id, rewritten]);
      expect(await edx('audit verify', id)).toMatchObject({ ok: true });

      expect(await edx('audit verify', id, ...anchored)).toMatchObject({
        ok: false, code: 'CHAIN_BROKEN', broken: [{ documentId: id, seq: 3, reason: expect.stringContaining('rewritten after it') }],
      });
      // Rewriting the checkpoint records too no longer makes the head the gateway holds signed.
      await exchange.hubQuery('UPDATE checkpoint_entries SET event_hash = $2 WHERE document_id = $1', [id, rewritten]);
      expect(await edx('audit verify', id, ...anchored)).toMatchObject({ ok: false, code: 'CHAIN_BROKEN', broken: [], checkpoint: { ok: false, reason: expect.stringContaining('rewritten') } });
    });
  });

  type DeadLetter = {
    id: string; messageId: string; sourceQueue: string; code: string; reason: string; origin: string; state: string; replayable: boolean;
    headers: Record<string, unknown>; death: Record<string, unknown>; actions: Array<{ action: string; requestedBy: string; outcome: string; outcomeCode: string | null; reason: string | null }>;
  };
  const letterOf = async (messageId: string) =>
    (await exchange.operator<{ items: DeadLetter[] }>(`/v1/dead-letters?queue=hub.inbound&limit=500`)).body.items.find((d) => d.messageId === messageId);
  const lastAction = async (id: string, outcome: string) =>
    eventually(`replay outcome ${outcome}`, async () => {
      const { body } = await exchange.operator<DeadLetter>(`/v1/dead-letters/${id}`);
      const last = body.actions[body.actions.length - 1];
      return last?.outcome === outcome && body;
    });

  it('lists a dead letter with its reason and header fields, refuses a replay while the cause lasts, and delivers it once after the fix', async () => {
    await exchange.console().setAgencyStatus(A, 'suspended');
    const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], signedPdf(issuerOfA)) });
    expect(sent.status).toBe(202);
    const letter = await eventually('the dead letter', () => letterOf(sent.body.id));
    expect(letter).toMatchObject({ code: 'AGENCY_SUSPENDED', origin: 'hub', state: 'open', replayable: true, reason: expect.stringContaining('suspended') });
    expect(letter.death).toMatchObject({ 'x-edx-error-code': 'AGENCY_SUSPENDED' });
    expect(Object.keys(letter.headers).some((k) => k.startsWith('x-edx-error'))).toBe(false);
    const filtered = await exchange.operator<{ items: DeadLetter[]; total: number }>(`/v1/dead-letters?code=AGENCY_SUSPENDED&sender=${exchange.systemId('sys-a')}`);
    expect(filtered.body.items.map((d) => d.id)).toContain(letter.id);
    expect((await exchange.operator<{ total: number }>('/v1/dead-letters?code=SIGNATURE_INVALID')).body.total).toBe(0);

    // The cause is still there: the hub checks it again and refuses it again; the letter stays open.
    expect((await exchange.operator(`/v1/dead-letters/${letter.id}/replay`, {})).body).toMatchObject({ result: 'queued' });
    const refused = await lastAction(letter.id, 'refused');
    expect(refused).toMatchObject({ state: 'open', actions: [{ action: 'replay', requestedBy: 'operator', outcomeCode: 'AGENCY_SUSPENDED' }] });

    // Fixed: the replay goes through, under the original package id, and B answers 01.
    await exchange.console().setAgencyStatus(A, 'active');
    expect((await exchange.operator('/v1/dead-letters/replay', { ids: [letter.id] }, exchange.adminToken)).body).toMatchObject({ results: [{ id: letter.id, result: 'queued' }] });
    const replayed = await lastAction(letter.id, 'accepted');
    expect(replayed.state).toBe('replayed');
    expect(replayed.actions[1]).toMatchObject({ requestedBy: 'admin', outcome: 'accepted' });
    await eventually('01 from B for the replayed document', async () => (await exchange.operator<DocumentView>(`/v1/documents/${sent.body.id}`)).body.recipients?.[0]?.state === 'arrived');

    // Idempotent: asking again queues nothing, and B has the document once.
    expect((await exchange.operator(`/v1/dead-letters/${letter.id}/replay`, {})).body).toMatchObject({ result: 'already', state: 'replayed' });
    const inbox = await exchange.api<{ items: Array<{ id: string }> }>(`${exchange.gateway('sys-b').url}/v1/documents/inbox?all=true`, exchange.apiKey(B));
    expect(inbox.body.items.filter((d) => d.id === sent.body.id)).toHaveLength(1);
    const trace = await exchange.operator<Trace>(`/v1/documents/${sent.body.id}/trace`);
    // The journey shows the refusal at the hub, then the replay's verification, routing and B's 01.
    expect(trace.body.entries.map((e) => e.kind).filter((k) => k !== 'sent')).toEqual(['dead-letter', 'verified', 'routed', 'status']);
  });

  it('never replays a dead letter someone published straight to edx.dead, and discards one only with a reason', async () => {
    const intruder = await exchange.adminConnection();
    const messageId = '11111111-2222-4333-8444-555555555555';
    try {
      const ch = await intruder.createChannel();
      ch.publish('edx.dead', '', Buffer.from('<forged/>'), { messageId, type: 'package', persistent: true, headers: { 'x-edx-error-code': 'SIGNATURE_INVALID', 'x-edx-source-queue': 'hub.inbound' } });
      await ch.close();
    } finally {
      await intruder.close();
    }
    const forged = await eventually('the forged dead letter', async () =>
      (await exchange.operator<{ items: DeadLetter[] }>('/v1/dead-letters?limit=500')).body.items.find((d) => d.messageId === messageId),
    );
    expect(forged).toMatchObject({ origin: 'unverified', replayable: false, code: 'MESSAGING_BAD_MESSAGE' });
    expect((await exchange.operator(`/v1/dead-letters/${forged.id}/replay`, {})).body).toMatchObject({ code: 'DEAD_LETTER_NOT_REPLAYABLE', message: expect.stringContaining('forged') });
    expect((await exchange.operator('/v1/dead-letters/replay', { ids: [forged.id, '999999999'] })).body).toMatchObject({
      results: [{ id: forged.id, result: 'refused', code: 'DEAD_LETTER_NOT_REPLAYABLE' }, { id: '999999999', result: 'refused', code: 'NOT_FOUND' }],
    });
    expect((await exchange.operator('/v1/dead-letters/replay', { ids: [] })).body).toMatchObject({ code: 'REQUEST_INVALID' });
    expect((await exchange.operator(`/v1/dead-letters/${forged.id}/discard`, {})).body).toMatchObject({ code: 'REQUEST_INVALID', message: expect.stringContaining('reason') });
    const discarded = await exchange.operator<DeadLetter>(`/v1/dead-letters/${forged.id}/discard`, { reason: 'Forged test message, nothing to deliver.' });
    expect(discarded.body).toMatchObject({ state: 'discarded', actions: [{ action: 'discard', requestedBy: 'operator', reason: 'Forged test message, nothing to deliver.' }] });
    expect((await exchange.operator(`/v1/dead-letters/${forged.id}/discard`, { reason: 'again' })).body).toMatchObject({ code: 'DEAD_LETTER_CLOSED' });
  });

  it('counts per agency and day, shows alarms and queue depths, and serves edx_* metrics', async () => {
    const stats = await exchange.operator<{ items: Array<{ agency: string; sent: number; delivered: number; rejected: number; rejectedByCode: Record<string, number>; timeTo01Ms: { median: number | null; p95: number | null } }> }>(
      `/v1/statistics?agency=${A}`,
    );
    expect(stats.status).toBe(200);
    const [today] = stats.body.items;
    // The first document (3 recipients, one unknown), three to B for the audit, two to B for the proof and the checkpoint, and the replayed one.
    expect(today).toMatchObject({ agency: A, sent: 7, delivered: 8, rejected: 1, rejectedByCode: { ROUTING_RECIPIENT_UNKNOWN: 1 } });
    expect(today.timeTo01Ms.median).toBeGreaterThan(0);
    expect(today.timeTo01Ms.p95).toBeGreaterThanOrEqual(today.timeTo01Ms.median!);
    expect((await exchange.operator('/v1/statistics?from=2026-13-01')).body).toMatchObject({ code: 'REQUEST_INVALID' });

    const alarms = await exchange.operator<{ alarms: Array<{ kind: string }>; queues: Array<{ name: string; messages: number }> }>('/v1/alarms');
    expect(alarms.body.alarms.filter((a) => a.kind === 'overdue')).toEqual([]);
    expect(alarms.body.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['hub.inbound', 'edx.dead', `system.${exchange.systemId('sys-b')}.inbox`]));

    const metrics = await (await exchange.fetch(`${exchange.consoleUrl}/metrics`)).text();
    expect(metrics).toMatch(/^edx_dead_letters\{state="discarded",app="console"\} 1$/m);
    expect(metrics).toMatch(/^edx_queue_depth\{queue="hub.inbound",app="console"\} \d+$/m);
    expect(metrics).toMatch(new RegExp(`^edx_certificate_days_to_expiry\\{certificate="certificate of ${A.replace(/\./g, '\\.')} .*\\} \\d+$`, 'm'));
    expect(metrics).toMatch(/^edx_alarms\{kind="overdue",app="console"\} 0$/m);
  });
});
