import { createPrivateKey } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CommandResult } from '../apps/cli/src/command';
import { COMMANDS } from '../apps/cli/src/commands';
import { eventually, ExchangeHarness } from './support/exchange.harness';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const LATE = '000.00.00.H53';

/**
 * From an empty exchange (a console and a hub, nothing onboarded) to two connected systems exchanging
 * a document, with the verbs the README gives an administrator and a gateway's operator, in order. No
 * file is written by hand, and every step is in the audit log under the administrator's name.
 */
describe('enrolment: from an empty exchange to documents flowing (real broker, databases and HTTP)', () => {
  const exchange = new ExchangeHarness();
  const folders = { a: '', b: '' };
  let admin = '';
  let pkiDir = '';
  const systems = { a: '', b: '' };
  const apiKeys: Record<string, string> = {};

  /** `edx VERB ARGS --json`, as the CLI runs it; a failure comes back as its result, never thrown. */
  async function edx(verb: string, ...args: string[]): Promise<CommandResult & Record<string, unknown>> {
    try {
      return (await COMMANDS.find((c) => c.name === verb)!.run({ args: [...args, '--json'], json: true, print: () => undefined })) as CommandResult & Record<string, unknown>;
    } catch (error) {
      const e = error as { code?: string; message: string };
      return { ok: false, code: e.code, message: e.message } as CommandResult & Record<string, unknown>;
    }
  }
  const asAdmin = ['--console', '', '--token', '', '--cacert', ''];

  beforeAll(async () => {
    await exchange.start([], { empty: true });
    pkiDir = path.join(exchange.dir, 'ca');
    exchange.pki.save(pkiDir);
    folders.a = path.join(exchange.dir, 'gateway-a');
    folders.b = path.join(exchange.dir, 'gateway-b');
    systems.a = exchange.systemId('ministry');
    systems.b = exchange.systemId('province');
    asAdmin[1] = exchange.consoleUrl;
    asAdmin[5] = exchange.transportCaFile;
  });
  afterAll(() => exchange.stop());

  it('an administrator onboards two systems, their operators enrol their gateways, and A sends B a document', async () => {
    // A named administrator, made with the bootstrap token; everything after is theirs.
    const account = await edx('user add', 'Trần Thị Lan', '--role', 'admin', '--console', exchange.consoleUrl, '--token', exchange.adminToken, '--cacert', exchange.transportCaFile);
    expect(account).toMatchObject({ ok: true });
    admin = String(account.token);
    asAdmin[3] = admin;

    expect(await edx('trust add', 'anchors', path.join(pkiDir, 'root.pem'), '--label', 'root CA', ...asAdmin)).toMatchObject({ ok: true });
    expect(await edx('trust add', 'intermediates', path.join(pkiDir, 'intermediate.pem'), ...asAdmin)).toMatchObject({ ok: true });
    // The hub starts once the anchors are there: it checks its own certificate against them.
    await exchange.startHub();

    for (const [side, id, name] of [['a', systems.a, 'Văn phòng Chính phủ e-office'], ['b', systems.b, 'Provincial e-office']] as const) {
      const made = await edx('system add', id, '--name', name, ...asAdmin);
      expect(made).toMatchObject({ ok: true, systemId: id, token: expect.stringMatching(/^edxenrol_/) });
      const enrolled = await edx('gateway enrol', '--cacert', exchange.transportCaFile, '--console', exchange.consoleUrl, '--token', String(made.token), '--dir', folders[side], '--database-url', exchange.newDatabaseUrl(), '--host', '127.0.0.1,localhost');
      expect(enrolled).toMatchObject({ ok: true, systemId: id, agencies: [], https: { hosts: ['127.0.0.1', 'localhost'] } });
      exchange.adopt({ id, url: '', configFile: String(enrolled.configFile), agencies: [] });
      // The gateway starts from its folder alone, hosting nothing yet, serving HTTPS with the certificate its enrolment brought.
      const https = enrolled.https as { certFile: string; keyFile: string };
      await exchange.startGateway(id, { EDX_HTTPS_CERT_FILE: https.certFile, EDX_HTTPS_KEY_FILE: https.keyFile });
    }

    // Each gateway's operator makes the agency's key there; the CA issues for the request; the administrator registers it.
    for (const [side, code, name] of [['a', A, 'Văn phòng Chính phủ'], ['b', B, 'UBND tỉnh Nghệ An']] as const) {
      const key = await edx('gateway key', code, '--dir', folders[side]);
      expect(key).toMatchObject({ ok: true, apiKey: expect.stringMatching(/^edx_/) });
      apiKeys[code] = String(key.apiKey);
      const cert = await edx('pki issue', '--csr', String(key.requestFile), '--code', code, '--name', name, '--dir', pkiDir, '--out', path.join(exchange.dir, 'issued', code));
      expect(cert).toMatchObject({ ok: true });
      expect(await edx('agency add', '--code', code, '--name', name, '--system', side === 'a' ? systems.a : systems.b, '--cert', path.join(exchange.dir, 'issued', code, 'cert.pem'), ...asAdmin)).toMatchObject({ ok: true });
    }

    // The running gateways learn their agencies from the directory, without a restart.
    const pdf = path.join(exchange.dir, 'cong-van.pdf');
    expect(await edx('pdf sign', '--text', 'Công văn 7816/VPCP-TTĐT', '--key', path.join(folders.a, 'agencies', A, 'key.pem'), '--cert', path.join(exchange.dir, 'issued', A, 'cert.pem'), '--out', pdf)).toMatchObject({ ok: true });
    const sent = await eventually('gateway A serving its new agency', async () => {
      const result = await edx('send', pdf, '--to', B, '--subject', 'V/v kết nối', '--number', '7816', '--notation', 'VPCP-TTĐT', '--gateway', exchange.gateway('ministry').url, '--cacert', exchange.transportCaFile, '--api-key', apiKeys[A], '--wait', '--timeout', '60');
      return result.code === 'AUTH_REQUIRED' ? undefined : result;
    }, 30_000);
    expect(sent).toMatchObject({ ok: true, receipts: [expect.objectContaining({ organId: B, statusCode: '01' })] });

    // The gateway signs with the key made on its machine: the certificate it wrote holds it.
    const pem = (file: string) => readFileSync(file, 'utf8').replace(/\r\n/g, '\n').trim();
    expect(pem(path.join(folders.a, 'agencies', A, 'cert.pem'))).toBe(pem(path.join(exchange.dir, 'issued', A, 'cert.pem')));
    // Keys and credentials are private to the gateway's operator.
    for (const file of ['transport/key.pem', 'console-token', 'gateway.json', `agencies/${A}/key.pem`]) expect([file, statSync(path.join(folders.a, file)).mode & 0o777]).toEqual([file, 0o600]);

    // Every step the administrator and the systems took is in the audit log.
    const { body } = await exchange.operator<{ items: Array<{ actorName: string; action: string; target: string }> }>('/v1/audit?limit=500', undefined, exchange.adminToken);
    const steps = body.items.map((r) => `${r.actorName} ${r.action} ${r.target ?? ''}`.trim());
    expect(steps).toEqual(expect.arrayContaining([
      `Trần Thị Lan system.create ${systems.a}`, `Trần Thị Lan system.create ${systems.b}`,
      `system ${systems.a} system.enrol ${systems.a}`, `system ${systems.b} system.enrol ${systems.b}`,
      `Trần Thị Lan agency.add ${A}`, `Trần Thị Lan agency.add ${B}`, `Trần Thị Lan certificate.add ${A}`, `Trần Thị Lan certificate.add ${B}`,
    ]));
    expect(steps.filter((s) => s.startsWith('Trần Thị Lan trust.add'))).toHaveLength(2);
  });

  it('an agency added to a running system reaches its gateway without a restart; an unknown recipient makes it look at once', async () => {
    const key = await edx('gateway key', LATE, '--dir', folders.b);
    await edx('pki issue', '--csr', String(key.requestFile), '--code', LATE, '--name', 'UBND tỉnh Tây Ninh', '--dir', pkiDir, '--out', path.join(exchange.dir, 'issued', LATE));
    expect(await edx('agency add', '--code', LATE, '--name', 'UBND tỉnh Tây Ninh', '--system', systems.b, '--cert', path.join(exchange.dir, 'issued', LATE, 'cert.pem'), ...asAdmin)).toMatchObject({ ok: true });
    // Sent at once: gateway B's next directory read is seconds away, but a document for an agency it does not know makes it read now.
    const pdf = path.join(exchange.dir, 'cong-van.pdf');
    const sent = await edx('send', pdf, '--to', LATE, '--subject', 'V/v kết nối', '--number', '7817', '--notation', 'VPCP-TTĐT', '--gateway', exchange.gateway('ministry').url, '--cacert', exchange.transportCaFile, '--api-key', apiKeys[A], '--wait', '--timeout', '60');
    expect(sent).toMatchObject({ ok: true, receipts: [expect.objectContaining({ organId: LATE, statusCode: '01' })] });
  });

  it('refuses an enrolment token that is unknown, expired, or redeemed by another key; the same gateway may run it again', async () => {
    const id = exchange.systemId('spare');
    const made = await edx('system add', id, '--name', 'Spare system', ...asAdmin);
    const token = String(made.token);
    const spare = path.join(exchange.dir, 'gateway-spare');
    const db = exchange.newDatabaseUrl();
    const first = await edx('gateway enrol', '--cacert', exchange.transportCaFile, '--console', exchange.consoleUrl, '--token', token, '--dir', spare, '--database-url', db);
    expect(first).toMatchObject({ ok: true, systemId: id });
    exchange.adopt({ id, url: '', configFile: String(first.configFile), agencies: [] });
    const keyBefore = readFileSync(path.join(spare, 'transport', 'key.pem'), 'utf8');
    // A re-run (say the first one died after the console answered): same key, same system, nothing else to do.
    expect(await edx('gateway enrol', '--cacert', exchange.transportCaFile, '--console', exchange.consoleUrl, '--token', token, '--dir', spare)).toMatchObject({ ok: true, systemId: id });
    expect(readFileSync(path.join(spare, 'transport', 'key.pem'), 'utf8')).toBe(keyBefore);
    // Another machine (another key) with the same token.
    expect(await edx('gateway enrol', '--cacert', exchange.transportCaFile, '--console', exchange.consoleUrl, '--token', token, '--dir', path.join(exchange.dir, 'thief'), '--database-url', db)).toMatchObject({ ok: false, code: 'ENROLMENT_TOKEN_USED' });
    expect(await edx('gateway enrol', '--cacert', exchange.transportCaFile, '--console', exchange.consoleUrl, '--token', 'edxenrol_made-up', '--dir', path.join(exchange.dir, 'guess'), '--database-url', db)).toMatchObject({ ok: false, code: 'ENROLMENT_TOKEN_INVALID' });
    // Asking again for an enrolled system is refused; a new token is explicit, and expires.
    expect(await edx('system add', id, '--name', 'Spare system', ...asAdmin)).toMatchObject({ ok: false, code: 'CONFLICT' });
    const again = await edx('system token', id, ...asAdmin);
    await exchange.hubQuery("UPDATE connected_systems SET enrolment_expires_at = now() - interval '1 second' WHERE id = $1", [id]);
    expect(await edx('gateway enrol', '--cacert', exchange.transportCaFile, '--console', exchange.consoleUrl, '--token', String(again.token), '--dir', path.join(exchange.dir, 'late'), '--database-url', db)).toMatchObject({ ok: false, code: 'ENROLMENT_TOKEN_EXPIRED' });
    // The token replaced earlier opens nothing.
    expect(await edx('gateway enrol', '--cacert', exchange.transportCaFile, '--console', exchange.consoleUrl, '--token', token, '--dir', spare)).toMatchObject({ ok: false, code: 'ENROLMENT_TOKEN_INVALID' });
  });

  it("lets a system's console token read only its own directory, and keeps tokens as hashes only", async () => {
    const tokenA = readFileSync(path.join(folders.a, 'console-token'), 'utf8').trim();
    const read = (id: string, token: string) => exchange.fetch(`${exchange.consoleUrl}/v1/systems/${id}/directory`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    expect(await read(systems.a, tokenA)).toMatchObject({ status: 200, body: { agencies: [expect.objectContaining({ code: A })] } });
    expect(await read(systems.b, tokenA)).toMatchObject({ status: 403, body: { code: 'AUTH_FORBIDDEN' } });
    expect(await read(systems.a, admin)).toMatchObject({ status: 401, body: { code: 'AUTH_REQUIRED' } });
    const [row] = await exchange.hubQuery<{ whole: string }>('SELECT row_to_json(s)::text AS whole FROM connected_systems s WHERE id = $1', [systems.a]);
    expect(row.whole).not.toContain(tokenA);
    // The private keys made on the gateway's machine are nowhere in the hub's database.
    const privateKeys = [path.join(folders.a, 'transport', 'key.pem'), ...readdirSync(path.join(folders.a, 'agencies')).map((c) => path.join(folders.a, 'agencies', c, 'key.pem'))];
    const everything = await exchange.hubQuery<{ t: string }>("SELECT string_agg(row_to_json(x)::text, '') AS t FROM (SELECT * FROM audit_log) x");
    for (const file of privateKeys) {
      const der = createPrivateKey(readFileSync(file, 'utf8')).export({ type: 'pkcs8', format: 'der' }).toString('base64').slice(40, 100);
      expect(everything[0].t).not.toContain(der);
    }
  });
});
