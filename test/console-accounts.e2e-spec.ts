import { createHash, createPrivateKey, randomUUID } from 'node:crypto';
import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { createLogger } from '@edx/common';
import { AUDIT_GENESIS_HASH, auditHash } from '@edx/storage';
import { certificateRequest, newTransportKey, publicKeyFingerprint } from '@edx/trust';
import { CommandResult } from '../apps/cli/src/command';
import { COMMANDS } from '../apps/cli/src/commands';
import { REQUIRED_ROLE, Role } from '../apps/console/src/auth/role.guard';
import { ConsoleModule } from '../apps/console/src/console.module';
import { loadConsoleSettings } from '../apps/console/src/console.env';
import { ExchangeHarness } from './support/exchange.harness';

const A = '000.00.00.G22';
const B = '000.00.00.H41';

interface Route {
  readonly method: string;
  readonly path: string;
  readonly role: Role | undefined;
}

/** Every route of the console as its controllers declare it, with the least role each needs. */
function consoleRoutes(): Route[] {
  const controllers = (ConsoleModule.register(loadConsoleSettings({ EDX_HTTP_PLAIN: 'true' }), createLogger('e2e')).controllers ?? []) as Type[];
  return controllers.flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype)
      .map((name) => prototype[name])
      .filter((handler): handler is object => typeof handler === 'function' && Reflect.getMetadata(METHOD_METADATA, handler) !== undefined)
      .map((handler) => {
        const own = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '/');
        const path = `/${[base, own].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
        const role = (Reflect.getMetadata(REQUIRED_ROLE, handler) ?? Reflect.getMetadata(REQUIRED_ROLE, controller)) as Role | undefined;
        return { method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number], path, role };
      });
  });
}

type AuditRow = { id: string; at: string; actorId: string | null; actorName: string; actorRole: string; action: string; target: string | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null; prevHash: string; hash: string };

describe('console accounts and the audit log (real exchange)', () => {
  const exchange = new ExchangeHarness();
  const routes = consoleRoutes();
  const adminRoutes = routes.filter((r) => r.role === 'admin');

  beforeAll(async () => {
    await exchange.start([{ id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] }]);
  });
  afterAll(() => exchange.stop());

  async function call<T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await exchange.fetch(`${exchange.consoleUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
  }

  /** A verb of the `edx` CLI, as `edx VERB ARGS --json` runs it, against this exchange's console. */
  const edx = (name: string, token: string, ...args: string[]): Promise<CommandResult> =>
    COMMANDS.find((c) => c.name === name)!.run({ args: [...args, '--console', exchange.consoleUrl, '--cacert', exchange.transportCaFile, '--token', token, '--json'], json: true, print: () => undefined });

  async function addAccount(name: string, role: Role, ...more: string[]): Promise<{ id: string; token: string }> {
    const made = await edx('user add', exchange.adminToken, name, '--role', role, ...more);
    expect(made).toMatchObject({ ok: true, name, role, state: 'active', token: expect.stringMatching(/^edx_/) });
    return { id: String(made.id), token: String(made.token) };
  }

  const audit = async (query: string) => (await call<{ items: AuditRow[]; nextCursor: string | null }>('GET', `/v1/audit?${query}`, exchange.adminToken)).body;
  const concrete = (path: string) => path.replace(/:[a-zA-Z]+/g, 'x');

  it('refuses an operator, bootstrap or named, on every admin route the controllers declare', async () => {
    expect(adminRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /v1/systems', 'PATCH /v1/agencies/:code', 'POST /v1/users', 'DELETE /v1/users/:id', 'GET /v1/audit']));
    const named = await addAccount(`ops-${exchange.suffix}`, 'operator');
    for (const route of adminRoutes) {
      for (const token of [exchange.operatorToken, named.token]) {
        const { status, body } = await call(route.method, concrete(route.path), token, route.method === 'GET' ? undefined : {});
        expect([`${route.method} ${route.path}`, status, body]).toEqual([`${route.method} ${route.path}`, 403, expect.objectContaining({ code: 'AUTH_FORBIDDEN' })]);
      }
      // The route is really there: an administrator is not refused (a 400 or 404 for the made-up input is fine).
      const asAdmin = await call(route.method, concrete(route.path), exchange.adminToken, route.method === 'GET' ? undefined : {});
      expect([`${route.method} ${route.path}`, [401, 403].includes(asAdmin.status)]).toEqual([`${route.method} ${route.path}`, false]);
    }
    // ...and what operators may do, the named operator may do.
    expect((await call('GET', '/v1/agencies', named.token)).status).toBe(200);
  });

  it('adds a named account, lets it work, revokes it, and refuses it from then on; the token is kept only as its hash', async () => {
    const name = `Nguyễn Văn An ${exchange.suffix}`;
    const { id, token } = await addAccount(name, 'admin', '--expires', '30');
    const [row] = await exchange.hubQuery<{ token_sha256: string; expires_at: Date; whole: string }>('SELECT token_sha256, expires_at, row_to_json(a)::text AS whole FROM console_accounts a WHERE id = $1', [id]);
    expect(row.token_sha256).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row.whole).not.toContain(token);
    expect(row.expires_at.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);

    expect((await call('PATCH', `/v1/agencies/${A}`, token, { status: 'suspended' })).status).toBe(204);
    expect((await call('PATCH', `/v1/agencies/${A}`, token, { status: 'active' })).status).toBe(204);
    const listed = await edx('user list', token);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(listed.users).toEqual(expect.arrayContaining([expect.objectContaining({ id, name, role: 'admin', state: 'active' })]));

    expect(await edx('user revoke', exchange.adminToken, id)).toMatchObject({ ok: true, id, state: 'revoked' });
    const refused = await call('GET', '/v1/agencies', token);
    expect([refused.status, refused.body]).toEqual([401, expect.objectContaining({ code: 'AUTH_TOKEN_REVOKED' })]);
    expect(JSON.stringify(refused.body)).not.toContain(token);
    expect((await call('PATCH', `/v1/agencies/${A}`, token, { status: 'suspended' })).status).toBe(401);
    // The name is free again for a new account; a second revocation changes nothing.
    await addAccount(name, 'operator');
    expect(await edx('user revoke', exchange.adminToken, id)).toMatchObject({ ok: true, state: 'revoked' });
  });

  it('refuses an expired token', async () => {
    const { id, token } = await addAccount(`short-${exchange.suffix}`, 'operator', '--expires', '1');
    // A day is long to wait: move the expiry into the past as the clock would.
    await exchange.hubQuery("UPDATE console_accounts SET expires_at = now() - interval '1 second' WHERE id = $1", [id]);
    const refused = await call('GET', '/v1/agencies', token);
    expect([refused.status, refused.body]).toEqual([401, expect.objectContaining({ code: 'AUTH_TOKEN_EXPIRED' })]);
    expect((await edx('user list', exchange.adminToken)).users).toEqual(expect.arrayContaining([expect.objectContaining({ id, state: 'expired' })]));
  });

  it('records every administrative and operator action: who, what, when and the before/after', async () => {
    const admin = await addAccount(`lan.tran-${exchange.suffix}`, 'admin');
    const operator = await addAccount(`minh-${exchange.suffix}`, 'operator');
    const start = new Date(Date.now() - 1000).toISOString();
    const systemId = exchange.systemId('sys-audit');
    const issued = exchange.pki.issue({ code: B, name: 'UBND tỉnh Nghệ An' });
    const rotated = exchange.pki.issue({ code: B, name: 'UBND tỉnh Nghệ An' });
    const [deadA, deadB] = await Promise.all([1, 2].map(async () => {
      const [dl] = await exchange.hubQuery<{ id: string }>(
        `INSERT INTO dead_letters (message_id, source_queue, message_type, code, reason, body, failed_at, origin) VALUES ($1, 'hub.inbound', 'package', 'EDXML_MALFORMED', 'test', '\\x00', now(), 'hub') RETURNING id::text`,
        [randomUUID()],
      );
      return dl.id;
    }));

    // What each mutating route is (so a new one without a case here fails the check below).
    const done = new Map<string, string>();
    const act = async (route: string, method: string, path: string, token: string, body: unknown, expected: number) => {
      const res = await call(method, path, token, body);
      expect([route, res.status]).toEqual([route, expected]);
      done.set(route, path);
      return res.body;
    };
    await act('POST /v1/systems', 'POST', '/v1/systems', admin.token, { id: systemId, name: 'audit system' }, 201);
    const token = await act('POST /v1/systems/:id/enrolment-token', 'POST', `/v1/systems/${systemId}/enrolment-token`, admin.token, undefined, 201);
    const gatewayKey = newTransportKey();
    // The enrolment token is the credential: no console account.
    await act('POST /v1/enrolments', 'POST', '/v1/enrolments', '', { token: token.token, csr: certificateRequest(gatewayKey, 'gateway') }, 201);
    await act('POST /v1/systems/:id/transport/revoke', 'POST', `/v1/systems/${systemId}/transport/revoke`, admin.token, { reason: 'Key lost.' }, 200);
    await act('POST /v1/agencies', 'POST', '/v1/agencies', admin.token, { code: B, name: 'UBND tỉnh Nghệ An', systemId, certificatePem: issued.certificatePem }, 201);
    expect((await call('POST', '/v1/agencies', admin.token, { code: B, name: 'UBND tỉnh Nghệ An (mới)', systemId })).status).toBe(201);
    await act('POST /v1/agencies/:code/certificates', 'POST', `/v1/agencies/${B}/certificates`, admin.token, { certificatePem: rotated.certificatePem }, 201);
    await act('DELETE /v1/agencies/:code/certificates/:fingerprint', 'DELETE', `/v1/agencies/${B}/certificates/${issued.identity.certificate.fingerprint}`, admin.token, undefined, 200);
    await act('PATCH /v1/agencies/:code', 'PATCH', `/v1/agencies/${B}`, admin.token, { status: 'suspended' }, 204);
    expect((await call('PATCH', `/v1/agencies/${B}`, admin.token, { mail: 'vanthu@nghean.gov.vn' })).status).toBe(204);
    const H99 = '000.00.00.H99';
    await act('POST /v1/agencies/import', 'POST', '/v1/agencies/import', admin.token, [{ id: 99, code: H99, name: 'Sở Nội vụ (thử)', mail: 'snv@example.gov.vn' }], 200);
    await act('POST /v1/agencies/:code/retire', 'POST', `/v1/agencies/${H99}/retire`, admin.token, { successor: B }, 200);
    await act('POST /v1/trust/:kind', 'POST', '/v1/trust/intermediates', admin.token, { pem: exchange.pki.intermediateCertificatePem, label: 'again' }, 201);
    await act('POST /v1/dead-letters/replay', 'POST', '/v1/dead-letters/replay', operator.token, { ids: [deadA] }, 202);
    await act('POST /v1/dead-letters/:id/replay', 'POST', `/v1/dead-letters/${deadB}/replay`, operator.token, undefined, 202);
    const [deadC] = await exchange.hubQuery<{ id: string }>(
      `INSERT INTO dead_letters (source_queue, code, reason, body, failed_at, origin) VALUES ('edx.dead', 'MESSAGING_REJECTED', 'test', '\\x00', now(), 'unverified') RETURNING id::text`,
    );
    await act('POST /v1/dead-letters/:id/discard', 'POST', `/v1/dead-letters/${deadC.id}/discard`, operator.token, { reason: 'Forged test message.' }, 201);
    const made = await act('POST /v1/users', 'POST', '/v1/users', admin.token, { name: `temp-${exchange.suffix}`, role: 'operator' }, 201);
    await act('DELETE /v1/users/:id', 'DELETE', `/v1/users/${String(made.id)}`, admin.token, undefined, 200);
    const checkpoint = await act('POST /v1/audit/checkpoints', 'POST', '/v1/audit/checkpoints', operator.token, undefined, 202);

    const mutating = routes.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`).sort();
    expect([...done.keys()].sort()).toEqual(mutating);

    const mine = (await audit(`from=${encodeURIComponent(start)}&limit=500`)).items;
    const one = (action: string, target: string) => mine.find((r) => r.action === action && r.target === target);
    const byAdmin = { actorId: admin.id, actorName: `lan.tran-${exchange.suffix}`, actorRole: 'admin' };
    const byOperator = { actorId: operator.id, actorName: `minh-${exchange.suffix}`, actorRole: 'operator' };
    expect(one('system.create', systemId)).toMatchObject({ ...byAdmin, before: null, after: { id: systemId, name: 'audit system', amqpUser: `system.${systemId}` } });
    expect(one('system.enrolment-token', systemId)).toMatchObject({ ...byAdmin, before: { enrolledAt: null }, after: { enrolledAt: null, enrolmentExpiresAt: String(token.expiresAt) } });
    expect(one('system.enrol', systemId)).toMatchObject({ actorId: systemId, actorName: `system ${systemId}`, actorRole: 'system', before: { enrolledAt: null, key: null }, after: { key: publicKeyFingerprint(createPrivateKey(gatewayKey)), amqpUser: `system.${systemId}.1` } });
    expect(one('system.transport-revoke', systemId)).toMatchObject({ ...byAdmin, before: { amqpUser: `system.${systemId}.1`, access: 'granted' }, after: { access: 'revoked', reason: 'Key lost.', closedConnections: 0 } });
    const added = mine.filter((r) => r.action === 'agency.add' && r.target === B).reverse();
    expect(added).toMatchObject([
      { ...byAdmin, before: null, after: { name: 'UBND tỉnh Nghệ An', status: 'active', systemId } },
      { ...byAdmin, before: { name: 'UBND tỉnh Nghệ An' }, after: { name: 'UBND tỉnh Nghệ An (mới)', systemId } },
    ]);
    const certificates = mine.filter((r) => r.action === 'certificate.add' && r.target === B).map((r) => r.after?.fingerprint);
    expect(certificates.sort()).toEqual([issued.identity.certificate.fingerprint, rotated.identity.certificate.fingerprint].sort());
    expect(one('certificate.retire', B)).toMatchObject({ ...byAdmin, before: { fingerprint: issued.identity.certificate.fingerprint, status: 'active' }, after: { fingerprint: issued.identity.certificate.fingerprint, status: 'retired' } });
    expect(one('agency.status', B)).toMatchObject({ ...byAdmin, before: { status: 'active' }, after: { status: 'suspended' } });
    expect(one('agency.contacts', B)).toMatchObject({ ...byAdmin, before: { mail: null }, after: { mail: 'vanthu@nghean.gov.vn' } });
    expect(one('agency.import', H99)).toMatchObject({ ...byAdmin, before: null, after: { name: 'Sở Nội vụ (thử)', axisId: '99', mail: 'snv@example.gov.vn', systemId: null } });
    expect(one('agency.retire', H99)).toMatchObject({ ...byAdmin, before: { retired: false }, after: { retired: true, kind: 'merged', successor: B, current: B } });
    expect(mine.find((r) => r.action === 'trust.add')).toMatchObject({ ...byAdmin, before: null, after: { kind: 'intermediate', label: 'again', crls: 0 } });
    expect(one('dead-letter.replay', deadA)).toMatchObject({ ...byOperator, before: { state: 'open' }, after: { state: 'replaying' } });
    expect(one('dead-letter.replay', deadB)).toMatchObject({ ...byOperator, before: { state: 'open' }, after: { state: 'replaying' } });
    expect(one('dead-letter.discard', deadC.id)).toMatchObject({ ...byOperator, before: { state: 'open' }, after: { state: 'discarded', reason: 'Forged test message.' } });
    expect(one('user.add', String(made.id))).toMatchObject({ ...byAdmin, before: null, after: { name: `temp-${exchange.suffix}`, role: 'operator', state: 'active' } });
    expect(one('user.revoke', String(made.id))).toMatchObject({ ...byAdmin, before: { state: 'active' }, after: { state: 'revoked' } });
    expect(one('checkpoint.request', String(checkpoint.id))).toMatchObject({ ...byOperator, before: null, after: { id: String(checkpoint.id) } });
    for (const row of mine) expect(Date.parse(row.at)).toBeGreaterThanOrEqual(Date.parse(start));
    // The bootstrap token signs in as itself: the accounts it made are its doing.
    expect(one('user.add', admin.id)).toMatchObject({ actorId: null, actorName: 'bootstrap admin', actorRole: 'admin' });
  });

  it('filters the log by actor, action and date, and pages it with a cursor', async () => {
    const operatorName = (await audit('action=dead-letter.discard')).items[0].actorName;
    const byActor = (await audit(`actor=${encodeURIComponent(operatorName)}`)).items;
    expect(byActor.length).toBeGreaterThanOrEqual(3);
    expect(new Set(byActor.map((r) => r.actorName))).toEqual(new Set([operatorName]));
    expect(new Set((await audit('action=agency')).items.map((r) => r.action.split('.')[0]))).toEqual(new Set(['agency']));
    expect((await audit(`to=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).items).toEqual([]);

    const all = (await audit('limit=500')).items;
    const walked: string[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page: { items: AuditRow[]; nextCursor: string | null } = await audit(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    }
    expect(walked).toEqual(all.map((r) => r.id));
    const bad = await call('GET', '/v1/audit?cursor=abc', exchange.adminToken);
    expect([bad.status, bad.body]).toEqual([400, expect.objectContaining({ code: 'REQUEST_INVALID' })]);
  });

  it('keeps the log append-only: UPDATE, DELETE and TRUNCATE fail, and each row chains to the one before', async () => {
    await expect(exchange.hubQuery("UPDATE audit_log SET actor_name = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(exchange.hubQuery('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(exchange.hubQuery('TRUNCATE audit_log')).rejects.toThrow(/append-only/);

    const rows = [...(await audit('limit=500')).items].reverse();
    expect(rows.length).toBeGreaterThan(10);
    let prev = AUDIT_GENESIS_HASH;
    for (const row of rows) {
      const entry = { actor: { id: row.actorId, name: row.actorName, role: row.actorRole as Role }, action: row.action, target: row.target, before: row.before, after: row.after };
      expect([row.id, row.prevHash, row.hash]).toEqual([row.id, prev, auditHash(entry, new Date(row.at), prev)]);
      prev = row.hash;
    }
  });
});
