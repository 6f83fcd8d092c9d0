import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { IssuedIdentity } from '@edx/trust';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { api, documentFields, signedPdf } from './support/documents';
import { SteadyLoad } from './support/load';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const C = '000.00.00.H53';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Asynchronous, so the load keeps running while the server restarts.
const run = promisify(execFile);

async function restartRabbitMq(): Promise<void> {
  await run('rabbitmqctl', ['-q', 'stop_app']);
  await run('rabbitmqctl', ['-q', 'start_app']);
  await run('rabbitmqctl', ['-q', 'await_startup', '--timeout', '60']);
}

async function restartPostgres(): Promise<void> {
  const version = readdirSync('/etc/postgresql')[0];
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
}

type StatusList = { items: Array<{ from: string; statusCode: string }> };
type Inbox = { items: Array<{ id: string }> };

/**
 * Fault tolerance under steady load, with the hub and gateways as real processes: whatever dies or
 * restarts, every accepted document reaches each recipient exactly once and every 01 reaches the
 * sender, with no manual step but restarting a killed process (what a supervisor does).
 */
describe('faults under load (real processes, real broker and database restarts)', () => {
  const exchange = new ExchangeHarness('processes');
  let issuerOfA: IssuedIdentity;
  let pdf: Buffer;

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }, { code: C, name: 'UBND tỉnh Tây Ninh' }] },
    ]);
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
    pdf = signedPdf(issuerOfA);
  });
  afterAll(() => exchange.stop());

  function load(perSecond = 20): SteadyLoad {
    return new SteadyLoad(async () => {
      const res = await api<{ id: string; code?: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields([B, C], pdf) });
      return res.status === 202 ? { id: res.body.id } : { refusal: `${res.status} ${res.body.code ?? ''}` };
    }, perSecond).start();
  }

  /** Waits for every 01, then counts: each document once in each inbox, one 01 per recipient at A. */
  async function settle(run: SteadyLoad, label: string): Promise<void> {
    const ids = run.accepted;
    const receipted = async (id: string) => {
      const { body } = await api<StatusList>(`${exchange.gateway('sys-a').url}/v1/documents/${id}/statuses`, exchange.apiKey(A));
      return body.items.filter((s) => s.statusCode === '01');
    };
    await eventually(`${label}: every 01 at the sender`, async () => {
      for (const id of ids) if ((await receipted(id)).length < 2) return false;
      return true;
    }, 180_000);
    let duplicates = 0;
    let delivered = 0;
    for (const agency of [B, C]) {
      const { body } = await api<Inbox>(`${exchange.gateway('sys-b').url}/v1/documents/inbox?all=true&limit=1000`, exchange.apiKey(agency));
      const mine = body.items.filter((d) => ids.includes(d.id));
      delivered += mine.length;
      duplicates += mine.length - new Set(mine.map((d) => d.id)).size;
    }
    const receipts = await Promise.all(ids.map(receipted));
    duplicates += receipts.reduce((n, r) => n + (r.length - new Set(r.map((s) => s.from)).size), 0);
    const lost = ids.length * 2 - delivered + duplicates;
    process.stdout.write(`${label}: sent ${ids.length} (refused while down: ${run.refused}${run.refused ? ` ${JSON.stringify(Object.fromEntries(run.reasons))}` : ''}), delivered ${delivered}/${ids.length * 2}, duplicates ${duplicates}, lost ${lost}\n`);
    expect({ duplicates, lost }).toEqual({ duplicates: 0, lost: 0 });
    const documents = await exchange.hubQuery<{ n: string }>('SELECT count(*) AS n FROM documents WHERE id = ANY($1::uuid[])', [ids]);
    expect(Number(documents[0].n)).toBe(ids.length);
    // An outage is transient: nothing may be dead-lettered because a server was away.
    expect(await exchange.hubQuery('SELECT code, reason FROM dead_letters')).toEqual([]);
  }

  it('survives the hub being SIGKILLed three times mid-flow', async () => {
    const steady = load();
    for (let i = 0; i < 3; i++) {
      await pause(1500);
      await exchange.hub!.kill!();
      await pause(300);
      await exchange.startHub();
    }
    await pause(1000);
    await steady.stop();
    expect(steady.accepted.length).toBeGreaterThan(50);
    await settle(steady, 'hub SIGKILL x3');
  });

  it('survives a RabbitMQ restart; the sender\'s gateway keeps accepting documents meanwhile', async () => {
    const steady = load();
    await pause(1500);
    await restartRabbitMq();
    await pause(2000);
    await steady.stop();
    await settle(steady, 'RabbitMQ restart');
  });

  it('survives a PostgreSQL restart (hub and gateway databases)', async () => {
    const steady = load();
    await pause(1500);
    await restartPostgres();
    await pause(2000);
    await steady.stop();
    await settle(steady, 'PostgreSQL restart');
  });

  it('survives the receiving gateway being SIGKILLed and restarted', async () => {
    const steady = load();
    await pause(1500);
    const receiving = exchange.gateway('sys-b');
    await receiving.kill!();
    await pause(1500);
    await exchange.startGateway(receiving.systemId);
    await pause(1500);
    await steady.stop();
    await settle(steady, 'receiving gateway SIGKILL');
  });
});
