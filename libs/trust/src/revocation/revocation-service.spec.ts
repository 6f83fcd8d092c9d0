import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Certificate } from '../certs/certificate';
import { TrustStore, TrustStoreOptions } from '../certs/trust-store';
import { createDevPki } from '../pki/dev-pki';
import { DevRevocationServer } from '../pki/dev-revocation-server';
import { OCSP_OID } from './ocsp';
import { RevocationService, withFreshRevocation } from './revocation-service';

const AGENCY = '000.00.00.G22';
const HOUR = 3600 * 1000;

describe('revocation service: OCSP and CRL distribution points, cached by nextUpdate, degraded mode by setting', () => {
  const pki = createDevPki();
  let server: DevRevocationServer;

  beforeAll(async () => {
    server = await DevRevocationServer.start(pki);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.respondWith({ ocsp: {} });
    server.requests.crl = 0;
    server.requests.ocsp = 0;
  });

  const leaf = (which: 'crl' | 'ocsp' | 'both', revocation = server.urls(which)) => Certificate.from(pki.issue({ code: AGENCY, name: 'Sở Tư pháp', revocation }).certificatePem);
  const setup = (options: Partial<TrustStoreOptions> = {}, service = new RevocationService({ timeoutMs: 2000 })) => ({
    service,
    store: TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [], { crlPolicy: 'if-present', staleCrl: 'fail', revocation: service, ...options }),
  });
  /** The verdict, with `leaf`: what was learnt about the leaf's revocation (the intermediate's comes after it). */
  const check = async (store: TrustStore, service: RevocationService, cert: Certificate, now = new Date()) => {
    const verdict = await withFreshRevocation(service, () => store.check(cert, [], now, now));
    return { ...verdict, leaf: verdict.revocation[0] };
  };

  it('asks the OCSP responder a certificate names, records the answer with the verdict, and asks again only after nextUpdate', async () => {
    const { store, service } = setup();
    const cert = leaf('ocsp');
    const first = await check(store, service, cert);
    expect(first).toMatchObject({ ok: true, leaf: { source: 'ocsp', status: 'good', url: `${server.baseUrl}/ocsp`, signedBy: expect.stringContaining('edx Dev Issuing CA') } });
    expect(first.leaf.nextUpdate).toBeDefined();
    await check(store, service, cert);
    expect(server.requests.ocsp).toBe(1);
    await check(store, service, cert, new Date(Date.now() + 2 * HOUR));
    expect(server.requests.ocsp).toBe(2);
  });

  it('refuses a certificate the responder says was revoked before the provable time (CERT_REVOKED)', async () => {
    const { store, service } = setup();
    const cert = leaf('ocsp');
    pki.revoke(cert.serialNumber, new Date(Date.now() - 60_000));
    expect(await check(store, service, cert)).toMatchObject({ ok: false, code: 'CERT_REVOKED', leaf: { source: 'ocsp', status: 'revoked' } });
  });

  it('fetches the CRL from the distribution point once for every certificate that names it', async () => {
    const { store, service } = setup();
    const good = leaf('crl');
    const revoked = leaf('crl');
    pki.revoke(revoked.serialNumber, new Date(Date.now() - 60_000));
    expect(await check(store, service, good)).toMatchObject({ ok: true, leaf: { source: 'crl', status: 'good', url: `${server.baseUrl}/crl` } });
    expect(await check(store, service, revoked)).toMatchObject({ ok: false, code: 'CERT_REVOKED', leaf: { source: 'crl', status: 'revoked' } });
    expect(server.requests.crl).toBe(1);
  });

  it('falls back to the CRL when the OCSP responder fails', async () => {
    const { store, service } = setup();
    const cert = leaf('both');
    server.respondWith({ ocsp: { signer: pki.issueCa({ name: 'edx Stranger CA' }) } });
    expect(await check(store, service, cert)).toMatchObject({ ok: true, leaf: { source: 'crl', status: 'good' } });
    expect(server.requests).toEqual({ ocsp: 1, crl: 1 });
  });

  it('degraded mode refuse: status that cannot be had is REVOCATION_UNKNOWN, with what was tried', async () => {
    const { store, service } = setup();
    const cert = leaf('both');
    server.respondWith({ httpStatus: 503 });
    const verdict = await check(store, service, cert);
    expect(verdict).toMatchObject({ ok: false, code: 'REVOCATION_UNKNOWN', leaf: { status: 'unknown' } });
    expect(verdict.message).toMatch(/OCSP .*HTTP 503.*CRL .*HTTP 503/);
  });

  it('degraded mode warn: accepted, and the warning stays with the answer', async () => {
    const { store, service } = setup({ unknownRevocation: 'warn' });
    const cert = leaf('ocsp');
    server.respondWith({ httpStatus: 500 });
    const verdict = await check(store, service, cert);
    expect(verdict).toMatchObject({ ok: true, leaf: { status: 'unknown', warning: expect.stringMatching(/unknown.*HTTP 500.*Accepted by the setting/) } });
    expect(verdict.message).toMatch(/warning/);
  });

  it('remembers a failure for a while instead of asking on every document, then asks again', async () => {
    const service = new RevocationService({ timeoutMs: 2000, retryAfterMs: 60_000 });
    const { store } = setup({}, service);
    const cert = leaf('ocsp');
    server.respondWith({ httpStatus: 500 });
    await check(store, service, cert);
    await check(store, service, cert);
    expect(server.requests.ocsp).toBe(1);
    server.respondWith({ ocsp: {} });
    expect(await check(store, service, cert, new Date(Date.now() + 61_000))).toMatchObject({ ok: true });
    expect(server.requests.ocsp).toBe(2);
  });

  it('refuses an OCSP answer signed by anyone but the CA or a responder it delegated to (OCSPSigning)', async () => {
    const cert = leaf('ocsp');
    const delegated = pki.issue({ code: 'edx.ocsp', name: 'edx Dev OCSP Responder', extendedKeyUsage: [OCSP_OID.signing] });
    const undelegated = pki.issue({ code: 'edx.ocsp', name: 'edx Dev Not A Responder' });
    server.respondWith({ ocsp: { signer: { keyPem: delegated.keyPem, certificatePem: delegated.certificatePem, chainPem: '' } } });
    const withDelegate = setup();
    expect(await check(withDelegate.store, withDelegate.service, cert)).toMatchObject({ ok: true, leaf: { source: 'ocsp', signedBy: expect.stringContaining('edx Dev OCSP Responder') } });
    server.respondWith({ ocsp: { signer: { keyPem: undelegated.keyPem, certificatePem: undelegated.certificatePem, chainPem: '' } } });
    const withStranger = setup();
    expect(await check(withStranger.store, withStranger.service, cert)).toMatchObject({ ok: false, code: 'REVOCATION_UNKNOWN', message: expect.stringMatching(/not signed by .*edx Dev Issuing CA/) });
  });

  it('refuses an OCSP answer past its nextUpdate (a replayed old answer)', async () => {
    const { store, service } = setup();
    const cert = leaf('ocsp');
    server.respondWith({ ocsp: { clock: () => new Date(Date.now() - 3 * HOUR) } });
    expect(await check(store, service, cert)).toMatchObject({ ok: false, code: 'REVOCATION_UNKNOWN', message: expect.stringMatching(/due for renewal/) });
  });

  it('takes the CRLs the console publishes for certificates that name no distribution point', async () => {
    const cert = Certificate.from(pki.issue({ code: AGENCY, name: 'Sở Nội vụ' }).certificatePem);
    pki.revoke(cert.serialNumber, new Date(Date.now() - 60_000));
    const console = createServer((_req, res) => res.end(pki.crlPem()));
    await new Promise<void>((resolve) => console.listen(0, '127.0.0.1', resolve));
    const service = new RevocationService({ crlSources: [`http://127.0.0.1:${(console.address() as AddressInfo).port}/v1/trust/crls`] });
    try {
      await service.start();
      const { store } = setup({}, service);
      expect(await check(store, service, cert)).toMatchObject({ ok: false, code: 'CERT_REVOKED', leaf: { source: 'crl', status: 'revoked' } });
    } finally {
      service.stop();
      console.close();
    }
  });

  it('reads an empty bundle from the console (no CRL uploaded yet) as no CRLs, not as a failure', async () => {
    const console = createServer((_req, res) => res.end(''));
    await new Promise<void>((resolve) => console.listen(0, '127.0.0.1', resolve));
    const events: string[] = [];
    const service = new RevocationService({ crlSources: [`http://127.0.0.1:${(console.address() as AddressInfo).port}/v1/trust/crls`], onEvent: (e) => events.push(`${e.outcome} ${e.detail}`) });
    try {
      await service.start();
      expect(events).toEqual(['fetched 0 revocation lists']);
    } finally {
      service.stop();
      console.close();
    }
  });

  it('without a revocation service, a certificate that names a responder is judged by loaded CRLs only (offline)', () => {
    const store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);
    const verdict = store.check(leaf('both'), [], new Date(), new Date());
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.revocation[0]).toMatchObject({ source: 'none', status: 'unknown' });
  });
});
