import { IssuedIdentity } from '@edx/trust';
import { CommandResult } from '../apps/cli/src/command';
import { COMMANDS } from '../apps/cli/src/commands';
import { documentFields, signedPdf } from './support/documents';
import { DmsView, repeats } from './support/dms-view';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { SteadyLoad } from './support/load';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

type Status = { from: string; statusCode: string; description: string };

/**
 * Suspension and resumption while documents flow, counted where a loss or a duplicate would show:
 * the receiving DMS's inbox and live stream and the sending DMS's receipts. Every document the
 * sender's gateway accepted ends delivered exactly once (01 from the recipient), or rejected once
 * with AGENCY_SUSPENDED (02) and never delivered.
 */
describe('suspend and resume with traffic flowing', () => {
  const exchange = new ExchangeHarness('in-process', 'h19b');
  let pdf: Buffer;
  const views: DmsView[] = [];
  const edx = (name: string, ...args: string[]): Promise<CommandResult> =>
    COMMANDS.find((c) => c.name === name)!.run({ args: [...args, '--console', exchange.consoleUrl, '--token', exchange.adminToken, '--cacert', exchange.transportCaFile, '--json'], json: true, print: () => undefined });

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
    const organisationOfA: IssuedIdentity = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: organisationOfA.certificatePem });
    pdf = signedPdf(organisationOfA);
  });
  afterAll(async () => {
    for (const view of views) await view.close();
    await exchange.stop();
  });

  async function restartHub(mode: 'hold' | 'reject'): Promise<void> {
    await exchange.stopHub();
    await exchange.startHub({ EDX_SUSPENDED_RECIPIENT: mode, EDX_HUB_REPLAY_POLL_MS: '200' });
  }
  const statusesAtA = async (id: string) => (await exchange.api<{ items: Status[] }>(`${exchange.gateway('sys-a').url}/v1/documents/${id}/statuses`, exchange.apiKey(A))).body.items;
  const startLoad = () =>
    new SteadyLoad(async () => {
      const res = await exchange.api<{ id: string; code?: string; message?: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], pdf) });
      return res.status === 202 ? { id: res.body.id } : { refusal: `${res.status} ${res.body.code ?? ''} ${res.body.message ?? ''}` };
    }, 4).start();
  const acceptedAtLeast = (load: SteadyLoad, n: number) =>
    eventually(`${n} documents accepted`, async () => load.accepted.length >= n, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}; refused: ${JSON.stringify([...load.reasons])}`);
    });
  const receivingView = () => {
    const view = new DmsView(exchange.fetch, () => exchange.gateway('sys-b').url, exchange.apiKey(B));
    views.push(view);
    return view;
  };

  /**
   * What became of each accepted document once everything settled: `delivered` (one 01 from B, once in
   * B's inbox and stream) or `rejected` (one 02 naming AGENCY_SUSPENDED, never at B). Fails on anything else.
   */
  async function accountFor(accepted: readonly string[], atB: DmsView): Promise<{ delivered: string[]; rejected: string[] }> {
    const outcome = new Map<string, 'delivered' | 'rejected'>();
    await eventually('an answer for every accepted document', async () => {
      for (const id of accepted) {
        if (outcome.has(id)) continue;
        const statuses = await statusesAtA(id);
        const receipts = statuses.filter((s) => s.from === B && s.statusCode === '01');
        const rejections = statuses.filter((s) => s.statusCode === '02');
        if (receipts.length + rejections.length === 0) return false;
        expect([id, receipts.length + rejections.length]).toEqual([id, 1]);
        if (rejections.length) expect(rejections[0].description).toContain('AGENCY_SUSPENDED');
        outcome.set(id, receipts.length ? 'delivered' : 'rejected');
      }
      return true;
    }, 90_000);
    const delivered = accepted.filter((id) => outcome.get(id) === 'delivered');
    const rejected = accepted.filter((id) => outcome.get(id) === 'rejected');
    const inbox = await eventually('every delivered document in B\'s inbox', async () => {
      const ids = await atB.inboxIds();
      return delivered.every((id) => ids.includes(id)) && ids;
    }, 30_000);
    await eventually('every delivered document on B\'s stream', async () => delivered.every((id) => atB.documentEvents.includes(id)), 30_000);
    expect(repeats(inbox)).toBe(0);
    expect(repeats(atB.documentEvents)).toBe(0);
    expect(rejected.filter((id) => inbox.includes(id) || atB.documentEvents.includes(id))).toEqual([]);
    return { delivered, rejected };
  }

  it('hold: a suspended recipient gets nothing new, what was sent to it waits in the hub database and is delivered exactly once on resume', async () => {
    await restartHub('hold');
    const atB = receivingView();
    const load = startLoad();
    let suspendedAt = 0;
    let heldBeforeResume: string[] = [];
    try {
      await acceptedAtLeast(load, 6);
      expect(await edx('agency suspend', B)).toMatchObject({ ok: true });
      suspendedAt = load.accepted.length;
      // Held as database rows: the hub publishes nothing to B while it is suspended.
      heldBeforeResume = await eventually('deliveries held for B', async () => {
        const rows = await exchange.hubQuery<{ id: string }>('SELECT document_id::text AS id FROM deliveries WHERE recipient_code = $1 AND held_since IS NOT NULL', [B]);
        return rows.length >= 6 && rows.map((r) => r.id);
      }, 60_000);
      const inboxWhileSuspended = await atB.inboxIds();
      expect(heldBeforeResume.filter((id) => inboxWhileSuspended.includes(id))).toEqual([]);
      expect(await edx('agency resume', B)).toMatchObject({ ok: true });
      await acceptedAtLeast(load, load.accepted.length + 6);
    } finally {
      await load.stop();
    }
    const { delivered, rejected } = await accountFor(load.accepted, atB);
    expect(rejected).toEqual([]);
    expect(delivered).toEqual(load.accepted);
    expect(heldBeforeResume.every((id) => delivered.includes(id))).toBe(true);
    expect(suspendedAt).toBeGreaterThan(0);
    // Released, each once, with the hold and the release in the document's journey.
    expect(await exchange.hubQuery('SELECT document_id FROM deliveries WHERE held_since IS NOT NULL')).toEqual([]);
    const trace = await exchange.operator<{ entries: Array<{ kind: string; recipient?: string }> }>(`/v1/documents/${heldBeforeResume[0]}/trace`);
    expect(trace.body.entries.filter((e) => e.recipient === B).map((e) => e.kind)).toEqual(expect.arrayContaining(['held', 'released', 'status']));
    expect(trace.body.entries.filter((e) => e.kind === 'released')).toHaveLength(1);
  });

  it('reject: while the recipient is suspended the sender is told (02 AGENCY_SUSPENDED); every document is delivered once or rejected once', async () => {
    await restartHub('reject');
    const atB = receivingView();
    const load = startLoad();
    try {
      await acceptedAtLeast(load, 6);
      await edx('agency suspend', B);
      await eventually('a rejection at A', async () => {
        for (const id of load.accepted.slice(-8)) if ((await statusesAtA(id)).some((s) => s.statusCode === '02')) return true;
        return false;
      }, 60_000);
      await edx('agency resume', B);
      await acceptedAtLeast(load, load.accepted.length + 6);
    } finally {
      await load.stop();
    }
    const { delivered, rejected } = await accountFor(load.accepted, atB);
    expect(rejected.length).toBeGreaterThan(0);
    expect(delivered.length).toBeGreaterThan(0);
  });

  it('a suspended sender: its packages are refused with AGENCY_SUSPENDED told to its DMS, and after resume it sends again; nothing is lost', async () => {
    const atB = receivingView();
    const load = startLoad();
    try {
      await acceptedAtLeast(load, 6);
      await edx('agency suspend', A);
      await eventually('a refusal told to A', async () => {
        for (const id of load.accepted.slice(-8)) if ((await statusesAtA(id)).some((s) => s.statusCode === '02' && s.description.includes('AGENCY_SUSPENDED'))) return true;
        return false;
      }, 60_000);
      await edx('agency resume', A);
      await acceptedAtLeast(load, load.accepted.length + 6);
    } finally {
      await load.stop();
    }
    const { delivered, rejected } = await accountFor(load.accepted, atB);
    expect(rejected.length).toBeGreaterThan(0);
    expect(delivered.length).toBeGreaterThan(0);
    const [letter] = await exchange.hubQuery<{ code: string; reason: string }>('SELECT code, reason FROM dead_letters WHERE message_id = $1', [rejected[0]]);
    expect(letter).toMatchObject({ code: 'AGENCY_SUSPENDED', reason: expect.stringContaining(`${A} is suspended`) });
  });
  it("a suspended agency's receipts for what already reached it still count; its recall is refused", async () => {
    const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], pdf) });
    expect(sent.status).toBe(202);
    await eventually('the 01', async () => (await statusesAtA(sent.body.id)).some((s) => s.from === B && s.statusCode === '01'));
    await edx('agency suspend', B);
    const accepted = await exchange.api(`${exchange.gateway('sys-b').url}/v1/documents/${sent.body.id}/statuses`, exchange.apiKey(B), { body: { statusCode: '03' } });
    expect(accepted.status).toBeLessThan(300);
    await eventually('the 03 of the suspended recipient at A', async () => (await statusesAtA(sent.body.id)).some((s) => s.from === B && s.statusCode === '03'));
    await edx('agency resume', B);

    await edx('agency suspend', A);
    try {
      const recall = await exchange.api<{ id?: string }>(`${exchange.gateway('sys-a').url}/v1/documents/${sent.body.id}/statuses`, exchange.apiKey(A), { body: { statusCode: '13' } });
      expect(recall.status).toBeLessThan(300);
      const refused = await eventually('the recall refused at the hub', async () =>
        (await exchange.hubQuery<{ code: string; reason: string }>("SELECT code, reason FROM dead_letters WHERE code = 'AGENCY_SUSPENDED' AND reason LIKE '%recall%'"))[0]);
      expect(refused.reason).toContain(`${A} is suspended`);
    } finally {
      await edx('agency resume', A);
    }
  });
});
