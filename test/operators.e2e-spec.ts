import { IssuedIdentity } from '@edx/trust';
import { CommandResult } from '../apps/cli/src/command';
import { COMMANDS } from '../apps/cli/src/commands';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { api, documentFields, signedPdf } from './support/documents';

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
    const sent = await api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: fields });
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
    COMMANDS.find((c) => c.name === name)!.run({ args: [...args, '--console', exchange.consoleUrl, '--token', exchange.operatorToken, '--json'], json: true, print: () => undefined });

  /** Sends A -> B and resolves with the package id once B's 01 is recorded at the hub. */
  async function deliveredToB(): Promise<string> {
    const sent = await api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], signedPdf(issuerOfA)) });
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
});
