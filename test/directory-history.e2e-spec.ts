import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unbindAgencies } from '@edx/messaging';
import { IssuedIdentity } from '@edx/trust';
import { CommandResult } from '../apps/cli/src/command';
import { COMMANDS } from '../apps/cli/src/commands';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { documentFields, signedPdf } from './support/documents';

const SENDER = '000.00.00.G22';
/** The province that absorbs the other (the successor). */
const NGHE_AN = '000.00.00.H41';
/** The province merged into it on 1 July 2025 (its code retired). */
const HA_TINH = '000.00.00.H42';

type Recipient = { organId: string; state: string; deliveredTo?: string };
type Status = { direction: string; from: string; statusCode: string; description: string; addressedTo?: string };
type AxisRow = { id: string | number; pid: string | number | null; code: string; name: string; mail: string | null; oldCode: string | null; code102: string | null };

describe('a directory with history: codes retired into successors, contacts, import and export (real exchange)', () => {
  const exchange = new ExchangeHarness('in-process', 'h19a');
  const work = mkdtempSync(path.join(tmpdir(), 'edx-h19a-'));
  let issuer: IssuedIdentity;
  let issuerOfHaTinh: IssuedIdentity;

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: SENDER, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: NGHE_AN, name: 'UBND tỉnh Nghệ An' }, { code: HA_TINH, name: 'UBND tỉnh Hà Tĩnh' }] },
    ]);
    issuer = exchange.pki.issue({ code: SENDER, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: SENDER, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuer.certificatePem });
    // Registered before its code is retired (a retired code takes no new certificates).
    issuerOfHaTinh = exchange.pki.issue({ code: HA_TINH, name: 'UBND tỉnh Hà Tĩnh' });
    await exchange.console().addAgency({ code: HA_TINH, name: 'UBND tỉnh Hà Tĩnh', systemId: exchange.systemId('sys-b'), certificatePem: issuerOfHaTinh.certificatePem });
  });
  afterAll(async () => {
    await exchange.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const edx = (name: string, ...args: string[]): Promise<CommandResult> =>
    COMMANDS.find((c) => c.name === name)!.run({ args: [...args, '--console', exchange.consoleUrl, '--token', exchange.adminToken, '--cacert', exchange.transportCaFile, '--json'], json: true, print: () => undefined });
  const consoleCall = async <T = Record<string, unknown>>(method: string, route: string, body?: unknown) => {
    const res = await exchange.fetch(`${exchange.consoleUrl}${route}`, {
      method, headers: { authorization: `Bearer ${exchange.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const send = (from: string, system: string, to: string[]) =>
    exchange.api<{ id: string }>(`${exchange.gateway(system).url}/v1/documents`, exchange.apiKey(from), { body: documentFields(to, signedPdf(from === HA_TINH ? issuerOfHaTinh : issuer)) });
  /** A verb that fails: the CLI prints its code and exits 1. */
  const refused = (name: string, ...args: string[]) => expect(edx(name, ...args)).rejects;
  const senderView = (id: string) => exchange.api<{ recipients: Recipient[]; statuses: Status[] }>(`${exchange.gateway('sys-a').url}/v1/documents/${id}`, exchange.apiKey(SENDER)).then((r) => r.body);

  describe('a merger', () => {
    beforeAll(async () => {
      expect(await edx('agency retire', HA_TINH, '--into', NGHE_AN)).toMatchObject({ ok: true, code: HA_TINH, kind: 'merged', successor: NGHE_AN, current: NGHE_AN, changed: true });
    });

    it("delivers a document addressed to the retired code to its successor, the original address visible to both sides", async () => {
      const sent = await send(SENDER, 'sys-a', [HA_TINH]);
      expect(sent.status).toBe(202);
      const id = sent.body.id;
      // The recipient: its copy says which code the sender wrote.
      const received = await eventually('the document at Nghệ An', async () => {
        const r = await exchange.api<Record<string, unknown>>(`${exchange.gateway('sys-b').url}/v1/documents/${id}`, exchange.apiKey(NGHE_AN));
        return r.status === 200 && r.body;
      });
      expect(received).toMatchObject({ direction: 'in', from: SENDER, addressedTo: HA_TINH, verdict: 'arrived' });
      const atRetired = await exchange.api(`${exchange.gateway('sys-b').url}/v1/documents/${id}`, exchange.apiKey(HA_TINH));
      expect(atRetired.status).toBe(404);
      // The sender: the delivery it addressed to Hà Tĩnh arrived, answered by Nghệ An.
      const view = await eventually("Nghệ An's 01 at the sender", async () => {
        const v = await senderView(id);
        return v.recipients[0]?.state === 'arrived' && v;
      });
      expect(view.recipients).toEqual([expect.objectContaining({ organId: HA_TINH, state: 'arrived', deliveredTo: NGHE_AN })]);
      expect(view.statuses).toEqual([expect.objectContaining({ direction: 'in', from: NGHE_AN, statusCode: '01', addressedTo: HA_TINH })]);
      // The hub records the successor as the recipient of record, with the code addressed, in the delivery and its trace.
      expect(await exchange.hubQuery('SELECT recipient_code, addressed_to, state FROM deliveries WHERE document_id = $1', [id])).toEqual([{ recipient_code: NGHE_AN, addressed_to: HA_TINH, state: 'arrived' }]);
      const [routed] = await exchange.hubQuery<{ detail: Record<string, unknown> }>("SELECT detail FROM events WHERE document_id = $1 AND type = 'routed'", [id]);
      expect(routed.detail).toEqual({ addressedTo: HA_TINH });
      // And the operator's console shows it on the delivery and in the journey.
      const operatorView = await exchange.operator<{ recipients: Array<Record<string, unknown>> }>(`/v1/documents/${id}`);
      expect(operatorView.body.recipients).toEqual([expect.objectContaining({ code: NGHE_AN, addressedTo: HA_TINH })]);
      const trace = await exchange.operator<{ entries: Array<{ kind: string; summary: string }> }>(`/v1/documents/${id}/trace`);
      expect(trace.body.entries.find((e) => e.kind === 'routed')?.summary).toBe(`Routed to ${NGHE_AN} (addressed to ${HA_TINH}, retired into it)`);

      // A later status from the successor reaches the sender and moves the delivery on.
      const accepted = await exchange.api(`${exchange.gateway('sys-b').url}/v1/documents/${id}/statuses`, exchange.apiKey(NGHE_AN), { body: { statusCode: '03' } });
      expect(accepted.status).toBe(202);
      await eventually('03 from Nghệ An at the sender', async () => (await senderView(id)).recipients[0]?.state === 'accepted');
    });

    it('refuses a package from the retired code (ROUTING_SENDER_RETIRED), telling its DMS why', async () => {
      const sent = await send(HA_TINH, 'sys-b', [SENDER]);
      expect(sent.status).toBe(202);
      const refusal = await eventually('the 02 at Hà Tĩnh', async () => {
        const r = await exchange.api<{ items: Status[] }>(`${exchange.gateway('sys-b').url}/v1/documents/${sent.body.id}/statuses`, exchange.apiKey(HA_TINH));
        return r.body.items.find((s) => s.direction === 'in' && s.statusCode === '02');
      });
      expect(refusal.description).toContain('ROUTING_SENDER_RETIRED');
      expect(refusal.description).toContain(NGHE_AN);
      expect(await exchange.hubQuery('SELECT 1 FROM documents WHERE id = $1', [sent.body.id])).toEqual([]);
    });

    it('answers a lookup by the old code with the agency it is now, and keeps the history of both codes', async () => {
      const old = await consoleCall<Record<string, unknown>>('GET', `/v1/agencies/${HA_TINH}`);
      expect(old.status).toBe(200);
      expect(old.body).toMatchObject({ code: NGHE_AN, name: 'UBND tỉnh Nghệ An', retired: { code: HA_TINH, successorCode: NGHE_AN, current: NGHE_AN } });
      const expected = [{ code: HA_TINH, kind: 'merged', successor: NGHE_AN, by: 'bootstrap admin', at: expect.any(String) }];
      expect(await edx('agency history', HA_TINH)).toMatchObject({ ok: true, code: HA_TINH, current: NGHE_AN, retired: true, events: expected });
      expect((await consoleCall('GET', `/v1/agencies/${NGHE_AN}/history`)).body).toMatchObject({ code: NGHE_AN, current: NGHE_AN, retired: false, events: expected });
      expect((await consoleCall('GET', '/v1/agencies/000.00.00.Z98/history')).status).toBe(404);
    });

    it('resolves a chain of retirements to the current code, and refuses cycles, a retired code and itself with stable codes', async () => {
      const system = exchange.systemId('sys-b');
      const c = exchange.console();
      await c.addAgency({ code: '000.00.00.H53', name: 'UBND tỉnh Tây Ninh', systemId: system });
      await c.addAgency({ code: '000.00.00.H54', name: 'UBND tỉnh Long An', systemId: system });
      // A rename: a code not registered yet becomes the agency's new code.
      expect(await c.retireAgency('000.00.00.H53', 'H53.01')).toMatchObject({ kind: 'renamed', successor: 'H53.01', current: 'H53.01' });
      expect(await c.agency('H53.01')).toMatchObject({ code: 'H53.01', name: 'UBND tỉnh Tây Ninh', systemId: system, oldCode: '000.00.00.H53' });
      // Then the renamed agency is merged: the first code now stands for the end of the chain.
      expect(await c.retireAgency('H53.01', '000.00.00.H54')).toMatchObject({ kind: 'merged', current: '000.00.00.H54' });
      expect(await c.agency('000.00.00.H53')).toMatchObject({ code: '000.00.00.H54', retired: { code: '000.00.00.H53', successorCode: 'H53.01', current: '000.00.00.H54' } });
      expect((await c.agencyHistory('000.00.00.H54')).events.map((e) => [e.code, e.kind, e.successor])).toEqual([['000.00.00.H53', 'renamed', 'H53.01'], ['H53.01', 'merged', '000.00.00.H54']]);
      // Documents to the first code reach the end of the chain (recorded there, addressed to the first code).
      const sent = await send(SENDER, 'sys-a', ['000.00.00.H53']);
      await eventually('the delivery through the chain', async () => {
        const rows = await exchange.hubQuery<{ recipient_code: string; addressed_to: string }>('SELECT recipient_code, addressed_to FROM deliveries WHERE document_id = $1', [sent.body.id]);
        return rows.length === 1 && rows[0].recipient_code === '000.00.00.H54' && rows[0].addressed_to === '000.00.00.H53';
      });

      await refused('agency retire', '000.00.00.H54', '--into', '000.00.00.H53').toMatchObject({ code: 'DIRECTORY_SUCCESSOR_CYCLE' });
      await refused('agency retire', NGHE_AN, '--into', NGHE_AN).toMatchObject({ code: 'DIRECTORY_SUCCESSOR_CYCLE' });
      await refused('agency retire', HA_TINH, '--into', '000.00.00.H54').toMatchObject({ code: 'DIRECTORY_CODE_RETIRED' });
      expect(await edx('agency retire', HA_TINH, '--into', NGHE_AN)).toMatchObject({ ok: true, changed: false });
      const cert = exchange.pki.issue({ code: HA_TINH, name: 'UBND tỉnh Hà Tĩnh' });
      expect(await consoleCall('POST', `/v1/agencies/${HA_TINH}/certificates`, { certificatePem: cert.certificatePem })).toMatchObject({ status: 409, body: { code: 'DIRECTORY_CODE_RETIRED' } });
      expect(await consoleCall('POST', '/v1/agencies', { code: HA_TINH, name: 'UBND tỉnh Hà Tĩnh', systemId: system })).toMatchObject({ status: 409, body: { code: 'DIRECTORY_CODE_RETIRED' } });
      expect(await consoleCall('POST', '/v1/agencies', { code: '000.01.00.H42', name: 'Sở Tư pháp tỉnh Hà Tĩnh', systemId: system, parentCode: HA_TINH })).toMatchObject({ status: 409, body: { code: 'DIRECTORY_CODE_RETIRED' } });
      const retirements = await exchange.hubQuery("SELECT target, after FROM audit_log WHERE action = 'agency.retire' ORDER BY id");
      expect(retirements.map((r) => r.target)).toEqual([HA_TINH, '000.00.00.H53', 'H53.01']);
    });

    it('sends statuses about a document whose sender code was retired since to where that code still is, else to its successor', async () => {
      const sent = await send(SENDER, 'sys-a', [NGHE_AN]);
      await eventually('01 at the sender', async () => (await senderView(sent.body.id)).recipients[0]?.state === 'arrived');
      await exchange.console().retireAgency(SENDER, NGHE_AN);
      const report = (statusCode: string) => exchange.api(`${exchange.gateway('sys-b').url}/v1/documents/${sent.body.id}/statuses`, exchange.apiKey(NGHE_AN), { body: { statusCode } });
      // Its system still receives for the retired code: the sender's gateway, which holds the document, gets it.
      expect((await report('03')).status).toBe(202);
      await eventually('03 at the retired sender code', async () => (await senderView(sent.body.id)).recipients[0]?.state === 'accepted');
      // Once no queue takes the retired code, its successor is told instead.
      const admin = await exchange.adminConnection();
      const channel = await admin.createChannel();
      await unbindAgencies(channel, exchange.systemId('sys-a'), [SENDER]);
      await channel.close();
      await admin.close();
      expect((await report('05')).status).toBe(202);
      await eventually('05 at the successor', async () => {
        const at = await exchange.api<{ items: Status[] }>(`${exchange.gateway('sys-b').url}/v1/documents/${sent.body.id}/statuses`, exchange.apiKey(NGHE_AN));
        return at.body.items.some((s) => s.direction === 'in' && s.statusCode === '05');
      });
      expect(await exchange.hubQuery("SELECT code FROM dead_letters WHERE code = 'STATUS_UNROUTABLE'")).toEqual([]);
    });
  });

  it("sets an agency's contacts with edx agency add and PATCH, shows them, refuses bad ones, and audits before/after", async () => {
    const added = await edx('agency add', '--code', '000.01.00.H41', '--name', 'Sở Tư pháp tỉnh Nghệ An', '--system', exchange.systemId('sys-b'), '--parent', NGHE_AN,
      '--mail', 'stp@nghean.gov.vn', '--phone', '+84 238 3844 555', '--person', 'Nguyễn Thị Lan', '--address', '18 Trường Thi, Vinh');
    expect(added).toMatchObject({ ok: true, contacts: { mail: 'stp@nghean.gov.vn', phone: '+84 238 3844 555', contactPerson: 'Nguyễn Thị Lan', address: '18 Trường Thi, Vinh' } });
    expect((await consoleCall('PATCH', '/v1/agencies/000.01.00.H41', { phone: '0238 3844 556', address: null })).status).toBe(204);
    const entry = (await consoleCall<Record<string, unknown>>('GET', '/v1/agencies/000.01.00.H41')).body;
    expect(entry).toMatchObject({ mail: 'stp@nghean.gov.vn', phone: '0238 3844 556', address: null, contactPerson: 'Nguyễn Thị Lan' });
    const listed = await exchange.console().listAgencies({ q: '000.01.00' });
    expect(listed.items).toEqual([expect.objectContaining({ code: '000.01.00.H41', mail: 'stp@nghean.gov.vn' })]);
    expect(await consoleCall('PATCH', '/v1/agencies/000.01.00.H41', { mail: 'stp@' })).toMatchObject({ status: 400, body: { code: 'DIRECTORY_CONTACT_INVALID' } });
    expect(await consoleCall('PATCH', '/v1/agencies/000.01.00.H41', { phone: 'x'.repeat(41) })).toMatchObject({ status: 400, body: { code: 'DIRECTORY_CONTACT_INVALID' } });
    expect(await consoleCall('PATCH', `/v1/agencies/${HA_TINH}`, { mail: 'ht@hatinh.gov.vn' })).toMatchObject({ status: 409, body: { code: 'DIRECTORY_CODE_RETIRED' } });
    const audited = await exchange.hubQuery("SELECT before, after FROM audit_log WHERE action = 'agency.contacts' AND target = '000.01.00.H41' ORDER BY id");
    expect(audited).toEqual([
      { before: { contactPerson: null, mail: null, phone: null, address: null }, after: { contactPerson: 'Nguyễn Thị Lan', mail: 'stp@nghean.gov.vn', phone: '+84 238 3844 555', address: '18 Trường Thi, Vinh' } },
      { before: { phone: '+84 238 3844 555', address: '18 Trường Thi, Vinh' }, after: { phone: '0238 3844 556', address: null } },
    ]);
  });

  describe('import and export in the national axis shape', () => {
    const fresh = new ExchangeHarness('in-process', 'h19a');
    beforeAll(() => fresh.start([]));
    afterAll(() => fresh.stop());

    const inFresh = (name: string, ...args: string[]): Promise<CommandResult> =>
      COMMANDS.find((c) => c.name === name)!.run({ args: [...args, '--console', fresh.consoleUrl, '--token', fresh.adminToken, '--cacert', fresh.transportCaFile, '--json'], json: true, print: () => undefined });

    it('exports the current directory, imports it into a fresh one with the same rows, and a second import changes nothing', async () => {
      const file = path.join(work, 'agencies.json');
      expect(await edx('agency export', '--out', file)).toMatchObject({ ok: true, out: file });
      const exported = JSON.parse(readFileSync(file, 'utf8')) as AxisRow[];
      const codes = exported.map((r) => r.code);
      expect(codes).toEqual(expect.arrayContaining([NGHE_AN, '000.01.00.H41', '000.00.00.H54']));
      for (const retired of [HA_TINH, SENDER, '000.00.00.H53']) expect(codes).not.toContain(retired); // retired codes are not current agencies
      expect(exported.find((r) => r.code === '000.01.00.H41')).toEqual({ id: '000.01.00.H41', pid: NGHE_AN, code: '000.01.00.H41', name: 'Sở Tư pháp tỉnh Nghệ An', mail: 'stp@nghean.gov.vn', oldCode: null, code102: null });
      // Children before parents in the file: parents are resolved within the file whatever the order.
      writeFileSync(file, JSON.stringify([...exported].reverse()));

      const first = await inFresh('agency import', file);
      expect(first).toMatchObject({ ok: true, summary: { total: exported.length, created: exported.length, updated: 0, unchanged: 0, refused: 0 } });
      const again = path.join(work, 'again.json');
      expect(await inFresh('agency export', '--out', again)).toMatchObject({ ok: true });
      expect(JSON.parse(readFileSync(again, 'utf8'))).toEqual(exported);
      const audits = async () => (await fresh.hubQuery<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'agency.import'"))[0].n;
      expect(await audits()).toBe(exported.length);

      expect(await inFresh('agency import', file)).toMatchObject({ ok: true, summary: { total: exported.length, created: 0, updated: 0, unchanged: exported.length, refused: 0 } });
      expect(await audits()).toBe(exported.length);
      // The same directory as CSV reads back as the same rows: unchanged again.
      const csv = path.join(work, 'agencies.csv');
      expect(await inFresh('agency export', '--out', csv)).toMatchObject({ ok: true, rows: exported.length });
      expect(readFileSync(csv, 'utf8').startsWith('\uFEFFid,pid,code,name,mail,oldCode,code102\r\n')).toBe(true);
      expect(await inFresh('agency import', csv)).toMatchObject({ ok: true, summary: { unchanged: exported.length, created: 0, updated: 0 } });
    });

    it('imports CSV with quoting and accents, any row order, a result per row and refused rows that stop nothing', async () => {
      const csv = [
        'id,pid,code,name,mail,oldCode,code102',
        '102,101,000.03.00.H40,"Sở Y tế ""Hà Tĩnh mới"", tỉnh Nghệ An",syt@nghean.gov.vn,000.03.00.H42,H40.03',
        '101,,000.00.00.H40,"UBND tỉnh Nghệ An (sau sắp xếp)",,,H40',
        '103,101,not-a-code,"Sở Nội vụ",,,',
        '104,999,000.04.00.H40,"Sở Xây dựng",,,',
        '105,101,000.05.00.H40,"Sở Tài chính",khong-phai-mail,,',
        '106,101,000.06.00.H40,"Văn phòng Đoàn ĐBQH và HĐND,',
        'tỉnh Nghệ An",,,',
      ].join('\r\n');
      const file = path.join(work, 'danh-muc.csv');
      writeFileSync(file, `\uFEFF${csv}\r\n`);
      await expect(inFresh('agency import', file, '--system', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const imported = await inFresh('agency import', file);
      expect(imported).toMatchObject({ ok: false, code: 'DIRECTORY_ROW_INVALID', summary: { total: 6, created: 3, refused: 3 } });
      expect(imported.refused).toHaveLength(3);
      expect(imported.refused).toEqual(expect.arrayContaining([
        expect.objectContaining({ row: 3, code: 'not-a-code', result: 'refused', errorCode: 'DIRECTORY_ROW_INVALID', message: expect.stringContaining('not an agency code') }),
        expect.objectContaining({ row: 4, code: '000.04.00.H40', errorCode: 'DIRECTORY_PARENT_UNKNOWN', message: expect.stringContaining('999') }),
        expect.objectContaining({ row: 5, code: '000.05.00.H40', errorCode: 'DIRECTORY_CONTACT_INVALID', message: expect.stringContaining('khong-phai-mail') }),
      ]));
      const health = await fresh.console().agency('000.03.00.H40');
      expect(health).toMatchObject({ name: 'Sở Y tế "Hà Tĩnh mới", tỉnh Nghệ An', parentCode: '000.00.00.H40', mail: 'syt@nghean.gov.vn', oldCode: '000.03.00.H42', code102: 'H40.03', axisId: '102', systemId: null });
      expect(await fresh.console().agency('000.06.00.H40')).toMatchObject({ name: 'Văn phòng Đoàn ĐBQH và HĐND, tỉnh Nghệ An' });
      // Accent-insensitive search finds what the import wrote.
      expect((await fresh.console().listAgencies({ q: 'van phong doan dbqh' })).items.map((a) => a.code)).toEqual(['000.06.00.H40']);
      // The file fixed and sent again: what was imported is unchanged, the fixed rows are created, a changed name is updated.
      writeFileSync(file, `${csv.replace('999', '101').replace('khong-phai-mail', 'stc@nghean.gov.vn').replace('not-a-code', '000.07.00.H40').replace('(sau sắp xếp)', '(mới)')}\r\n`);
      expect(await inFresh('agency import', file)).toMatchObject({ ok: true, summary: { total: 6, created: 3, updated: 1, unchanged: 2, refused: 0 } });
      const [update] = await fresh.hubQuery("SELECT before, after FROM audit_log WHERE action = 'agency.import' AND target = '000.00.00.H40' AND before IS NOT NULL");
      expect(update).toEqual({ before: { name: 'UBND tỉnh Nghệ An (sau sắp xếp)' }, after: { name: 'UBND tỉnh Nghệ An (mới)' } });
    });

    it('refuses what is not an agency list as a whole (DIRECTORY_IMPORT_INVALID), and streams a line per row', async () => {
      const res = await fresh.fetch(`${fresh.consoleUrl}/v1/agencies/import`, { method: 'POST', headers: { authorization: `Bearer ${fresh.adminToken}`, 'content-type': 'text/csv' }, body: 'id,title\n1,x\n' });
      expect([res.status, (await res.json()).code]).toEqual([400, 'DIRECTORY_IMPORT_INVALID']);
      const huge = await fresh.fetch(`${fresh.consoleUrl}/v1/agencies/import`, {
        method: 'POST', headers: { authorization: `Bearer ${fresh.adminToken}`, 'content-type': 'text/csv' }, body: `code,name\n${'000.00.00.H40,x\n'.repeat(300_000)}`,
      });
      const hugeText = await huge.text();
      expect([huge.status, hugeText]).toEqual([413, expect.stringContaining('"code"')]);
      const streamed = await fresh.fetch(`${fresh.consoleUrl}/v1/agencies/import`, {
        method: 'POST', headers: { authorization: `Bearer ${fresh.adminToken}`, 'content-type': 'application/json', accept: 'application/x-ndjson' },
        body: JSON.stringify([{ code: '000.00.00.H40', name: 'UBND tỉnh Nghệ An (mới)' }, { code: 'x', name: 'y' }]),
      });
      expect(streamed.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = (await streamed.text()).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toEqual([
        { row: 2, code: 'x', result: 'refused', errorCode: 'DIRECTORY_ROW_INVALID', message: expect.any(String) },
        { row: 1, code: '000.00.00.H40', result: 'unchanged' },
        { summary: { total: 2, created: 0, updated: 0, unchanged: 1, refused: 1 } },
      ]);
    });
  });
});
