import { zipSync } from 'fflate';
import { Certificate } from '../certs/certificate';
import { TrustStore } from '../certs/trust-store';
import { createDevPki } from '../pki/dev-pki';
import { DevRevocationServer } from '../pki/dev-revocation-server';
import { makePdf } from '../pdf/make-pdf';
import { signPdf } from '../pdf/pdf-signer';
import { verifyDocumentSignatures } from '../pdf/document-signatures';
import { RevocationService } from '../revocation/revocation-service';
import { VerificationPool } from './verification-pool';

const AGENCY = '000.00.00.G22';

describe('verification pool: heavy documents verified in worker threads, within a time budget', () => {
  const pki = createDevPki();
  const organisation = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
  const store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);
  const policy = { requireOrganisationSignature: 'every' as const };
  const zipped = (pdf: Buffer) => ({ name: 'ho-so.zip', contentType: 'application/zip', bytes: Buffer.from(zipSync({ 'van-ban.pdf': new Uint8Array(pdf) })) });
  let pool: VerificationPool;

  beforeEach(() => {
    pool = new VerificationPool({ workers: 1, budgetMs: 20_000, inlineBelowBytes: 1024 * 1024 });
  });
  afterEach(() => pool.close());

  it('gives the same verdict in a worker as on the calling thread', async () => {
    const inputs = [zipped(signPdf(makePdf('Công văn'), organisation.identity))];
    const options = { trustStore: store, senderCode: AGENCY, policy, at: new Date() };
    const inWorker = await pool.verifyDocuments(inputs, options);
    expect(inWorker).toMatchObject({ ok: true, reports: [{ document: 'ho-so.zip/van-ban.pdf', signatures: [{ ok: true, signer: { agencyCode: AGENCY } }] }] });
    expect(JSON.parse(JSON.stringify(inWorker))).toEqual(JSON.parse(JSON.stringify(verifyDocumentSignatures(inputs, options))));
  });

  it('takes the directory\'s registrations as data: a signer not registered for the sender is SIGNER_NOT_SENDER', async () => {
    const inputs = [zipped(signPdf(makePdf('Công văn'), organisation.identity))];
    const registered = await pool.verifyDocuments(inputs, { trustStore: store, senderCode: AGENCY, policy, registeredFingerprints: [Certificate.from(organisation.certificatePem).fingerprint] });
    const stranger = await pool.verifyDocuments(inputs, { trustStore: store, senderCode: AGENCY, policy, registeredFingerprints: ['00'] });
    expect(registered.ok).toBe(true);
    expect(stranger).toMatchObject({ ok: false, code: 'SIGNER_NOT_SENDER' });
  });

  it('stops a job past its budget (VERIFICATION_ABORTED) and goes on with a new worker', async () => {
    const tight = new VerificationPool({ workers: 1, budgetMs: 1, inlineBelowBytes: 0 });
    try {
      const heavy = [{ name: 'lon.pdf', contentType: 'application/pdf', bytes: signPdf(makePdf('x'.repeat(200_000)), organisation.identity) }];
      expect(await tight.verifyDocuments(heavy, { trustStore: store, policy })).toMatchObject({ ok: false, code: 'VERIFICATION_ABORTED', message: expect.stringMatching(/budget of 1 ms/) });
    } finally {
      await tight.close();
    }
    const inputs = [zipped(signPdf(makePdf('sau đó'), organisation.identity))];
    expect(await pool.verifyDocuments(inputs, { trustStore: store, policy })).toMatchObject({ ok: true });
  });

  it('keeps the event loop free while a worker inflates', async () => {
    const bulky = Buffer.alloc(150 * 1024 * 1024, 'Công văn số 123/VPCP ');
    const inputs = [{ name: 'ho-so.zip', contentType: 'application/zip', bytes: Buffer.from(zipSync({ 'phu-luc.txt': new Uint8Array(bulky) })) }];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = Date.now();
    try {
      await pool.verifyDocuments(inputs, { trustStore: store, policy: { requireOrganisationSignature: 'none' } });
    } finally {
      clearInterval(timer);
    }
    const elapsed = Date.now() - started;
    // The inflate takes a while; the loop kept ticking through it (inline, it would not tick at all).
    expect(elapsed).toBeGreaterThan(100);
    expect(ticks).toBeGreaterThan(elapsed / 10 / 4);
  });

  it('hands revocation misses back to the service, which fetches them; the next job has the answer', async () => {
    const server = await DevRevocationServer.start(pki);
    const service = new RevocationService({ timeoutMs: 2000 });
    const online = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [], { crlPolicy: 'if-present', staleCrl: 'fail', revocation: service });
    try {
      const signer = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', revocation: server.urls('ocsp') });
      pki.revoke(signer.serialNumber, new Date(Date.now() - 60_000));
      const inputs = [zipped(signPdf(makePdf('Công văn'), signer.identity))];
      expect(await pool.verifyDocuments(inputs, { trustStore: online, policy })).toMatchObject({ ok: false, code: 'REVOCATION_UNKNOWN' });
      expect(await service.settle()).toBe(true);
      expect(await pool.verifyDocuments(inputs, { trustStore: online, policy })).toMatchObject({ ok: false, code: 'CERT_REVOKED' });
      expect(server.requests.ocsp).toBe(1);
    } finally {
      await server.close();
    }
  });
});
