import { ERROR_CODES } from '@edx/common';
import { AmqpConnection } from '@edx/messaging';
import { TestDatabase, createTestDatabase } from '@edx/testing';
import { DevPki, TrustStore, createDevPki } from '@edx/trust';
import { OnboardingService } from './onboarding.service';

const AGENCY = '000.00.00.G22';
const DAY = 24 * 3600 * 1000;
const BY = { id: null, name: 'bootstrap admin', role: 'admin' } as const;
const base64Der = (pem: string) => pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----|\s+/g, '');
/** The same PEM bundle with one character of the base64 of its second block changed. */
const damageSecond = (bundle: string) => {
  const at = bundle.indexOf('-----BEGIN', 1) + 100;
  return bundle.slice(0, at) + '*' + bundle.slice(at + 1);
};

describe('console onboarding: trust material and certificates are read in full before anything is stored', () => {
  let db: TestDatabase;
  let service: OnboardingService;
  let pki: DevPki;
  const rows = async () => (await db.dataSource.query('SELECT kind, pem FROM trust_material ORDER BY id')) as Array<{ kind: string; pem: string }>;

  beforeAll(async () => {
    db = await createTestDatabase('hub');
    // Trust material and certificates touch only the database; the broker is not needed here.
    service = new OnboardingService(db.dataSource, {} as AmqpConnection);
    pki = createDevPki();
    await db.dataSource.query("INSERT INTO connected_systems (id, name, amqp_user) VALUES ('sys-a', 'sys-a', 'system.sys-a')");
    await db.dataSource.query("INSERT INTO agencies (code, name, name_folded, system_id) VALUES ($1, 'Văn phòng Chính phủ', 'van phong chinh phu', 'sys-a')", [AGENCY]);
  });
  afterAll(() => db.drop());
  const addTrust = (kind: 'anchor' | 'intermediate' | 'crl', input: string, label?: string) => service.addTrustMaterial(kind, input, BY, label);
  const addCertificate = (code: string, input: string) => service.addCertificate(code, input, BY);

  it('takes a root as base64 DER and stores it as PEM the hub can read', async () => {
    await addTrust('anchor', base64Der(pki.rootCertificatePem), 'dev root');
    await addTrust('intermediate', pki.intermediateCertificatePem);
    const stored = await rows();
    expect(stored.map((r) => r.kind)).toEqual(['anchor', 'intermediate']);
    expect(stored[0].pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const store = TrustStore.fromPem([stored[0].pem], [stored[1].pem]);
    expect(store.check(pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' }).identity.certificate, [], new Date()).ok).toBe(true);
  });

  it('refuses a bundle whose second block is damaged (KEY_INVALID, 400) and stores none of it', async () => {
    const before = (await rows()).length;
    const bundle = pki.intermediateCertificatePem + pki.rootCertificatePem;
    await expect(addTrust('intermediate', damageSecond(bundle))).rejects.toMatchObject({ code: 'KEY_INVALID', message: expect.stringContaining('block 2') });
    await expect(addTrust('anchor', 'not a certificate')).rejects.toMatchObject({ code: 'KEY_INVALID' });
    await expect(addTrust('anchor', pki.crlPem())).rejects.toMatchObject({ code: 'KEY_INVALID' });
    expect(ERROR_CODES.KEY_INVALID.http).toBe(400);
    expect((await rows()).length).toBe(before);
  });

  it('stores a CRL (PEM or base64 DER) only when a registered CA that may sign CRLs signed it with an accepted algorithm', async () => {
    const before = (await rows()).length;
    await expect(addTrust('crl', createDevPki().crlPem())).rejects.toMatchObject({ code: 'CERT_UNTRUSTED' });
    await expect(addTrust('crl', pki.crlPem({ digest: 'md5' }))).rejects.toMatchObject({ code: 'SIGNATURE_ALGORITHM_WEAK', message: expect.stringContaining('MD5') });
    const noCrlSign = pki.issueCa({ name: 'edx CA Without cRLSign', cRLSign: false });
    await addTrust('intermediate', noCrlSign.certificatePem);
    await expect(addTrust('crl', pki.crlPem({ issuer: noCrlSign }))).rejects.toMatchObject({ code: 'CERT_CHAIN_INVALID', message: expect.stringContaining('cRLSign') });
    await expect(addTrust('crl', pki.intermediateCertificatePem)).rejects.toMatchObject({ code: 'KEY_INVALID' });
    expect((await rows()).length).toBe(before + 1); // the intermediate only

    const revoked = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
    await addTrust('crl', base64Der(pki.revoke(revoked.serialNumber, new Date(Date.now() - DAY))));
    const stored = await rows();
    expect(stored.at(-1)).toMatchObject({ kind: 'crl', pem: expect.stringMatching(/^-----BEGIN X509 CRL-----/) });
    const pick = (kind: string) => stored.filter((r) => r.kind === kind).map((r) => r.pem);
    const store = TrustStore.fromPem(pick('anchor'), pick('intermediate'), pick('crl'));
    expect(store.check(revoked.identity.certificate, [], new Date())).toMatchObject({ ok: false, code: 'CERT_REVOKED' });
  });

  it('publishes only the latest uploaded CRL of each issuer (GET /v1/trust/crls)', async () => {
    await addTrust('crl', pki.crlPem({ thisUpdate: new Date(Date.now() - 3 * DAY), validDays: 7 }), 'older');
    const newest = pki.crlPem({ validDays: 7 });
    await addTrust('crl', newest, 'newest');
    await addTrust('crl', pki.crlPem({ thisUpdate: new Date(Date.now() - DAY), validDays: 7 }), 'uploaded last, but older');
    const bundle = await service.crlBundle();
    expect(bundle.match(/-----BEGIN X509 CRL-----/g)).toHaveLength(1);
    expect(bundle.replace(/\s+/g, '')).toBe(newest.replace(/\s+/g, ''));
  });

  it('registers an agency certificate given as PEM or base64 DER, and refuses a bundle or garbage', async () => {
    const issued = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
    const summary = await addCertificate(AGENCY, base64Der(issued.certificatePem));
    expect(summary).toMatchObject({ fingerprint: issued.identity.certificate.fingerprint, subject: expect.stringContaining('CN=Văn phòng Chính phủ') });
    const [row] = await db.dataSource.query('SELECT pem FROM agency_certificates WHERE fingerprint = $1', [summary.fingerprint]);
    expect(row.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    await expect(addCertificate(AGENCY, issued.certificatePem + pki.intermediateCertificatePem)).rejects.toMatchObject({ code: 'KEY_INVALID' });
    await expect(addCertificate(AGENCY, damageSecond(pki.rootCertificatePem + issued.certificatePem))).rejects.toMatchObject({ code: 'KEY_INVALID' });
    await expect(addCertificate(AGENCY, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).rejects.toMatchObject({ code: 'KEY_INVALID' });
  });
  it('refuses a certificate the hub would refuse: another agency, no signing key usage, no chain, expired, not yet valid, revoked; nothing stored', async () => {
    const stored = async () => Number((await db.dataSource.query('SELECT count(*)::int AS n FROM agency_certificates'))[0].n);
    const audited = async () => Number((await db.dataSource.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'certificate.add'"))[0].n);
    const before = { certificates: await stored(), audit: await audited() };
    const ofAgency = (extra: Partial<Parameters<DevPki['issue']>[0]> = {}) => pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', ...extra }).certificatePem;
    await expect(addCertificate(AGENCY, pki.issue({ code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' }).certificatePem))
      .rejects.toMatchObject({ code: 'CERT_NOT_FOR_AGENCY', message: expect.stringMatching(/issued for agency 000\.00\.00\.H41, not for 000\.00\.00\.G22/) });
    await expect(addCertificate(AGENCY, ofAgency({ canSign: false }))).rejects.toMatchObject({ code: 'CERT_KEY_USAGE', message: expect.stringContaining('may not sign') });
    await expect(addCertificate(AGENCY, ofAgency({ keyUsage: 'none' }))).rejects.toMatchObject({ code: 'CERT_KEY_USAGE', message: expect.stringContaining('no KeyUsage') });
    await expect(addCertificate(AGENCY, createDevPki().issue({ code: AGENCY, name: 'Văn phòng Chính phủ' }).certificatePem)).rejects.toMatchObject({ code: 'CERT_UNTRUSTED' });
    await expect(addCertificate(AGENCY, ofAgency({ validFrom: new Date(Date.now() - 400 * DAY), validDays: 30 }))).rejects.toMatchObject({ code: 'CERT_EXPIRED' });
    await expect(addCertificate(AGENCY, ofAgency({ validFrom: new Date(Date.now() + 10 * DAY) }))).rejects.toMatchObject({ code: 'CERT_NOT_YET_VALID' });
    const revoked = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
    await addTrust('crl', pki.revoke(revoked.serialNumber, new Date(Date.now() - DAY)));
    await expect(addCertificate(AGENCY, revoked.certificatePem)).rejects.toMatchObject({ code: 'CERT_REVOKED' });
    expect(ERROR_CODES.CERT_NOT_FOR_AGENCY.http).toBe(422);
    expect({ certificates: await stored(), audit: await audited() }).toEqual(before);
  });

  it('retires a certificate (audited, idempotent), never the last active one, and NOT_FOUND for one not registered for the agency', async () => {
    const [{ n: active }] = await db.dataSource.query("SELECT count(*)::int AS n FROM agency_certificates WHERE agency_code = $1 AND status = 'active'", [AGENCY]);
    const next = await addCertificate(AGENCY, pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' }).certificatePem);
    const rows: Array<{ fingerprint: string }> = await db.dataSource.query("SELECT fingerprint FROM agency_certificates WHERE agency_code = $1 AND status = 'active' AND fingerprint <> $2", [AGENCY, next.fingerprint]);
    expect(rows.length).toBe(active);
    for (const row of rows) await expect(service.retireCertificate(AGENCY, row.fingerprint.toUpperCase(), BY)).resolves.toMatchObject({ fingerprint: row.fingerprint, status: 'retired', retiredAt: expect.any(Date) });
    const again = await service.retireCertificate(AGENCY, rows[0].fingerprint, BY);
    expect(again.status).toBe('retired');
    await expect(service.retireCertificate(AGENCY, next.fingerprint, BY)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('last active certificate') });
    await expect(service.retireCertificate('000.00.00.H41', next.fingerprint, BY)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const audit: Array<{ before: { status: string }; after: { status: string } }> = await db.dataSource.query("SELECT before, after FROM audit_log WHERE action = 'certificate.retire' ORDER BY id");
    expect(audit.map((a) => `${a.before.status}->${a.after.status}`)).toEqual([...rows.map(() => 'active->retired'), 'retired->retired']);
  });
});
