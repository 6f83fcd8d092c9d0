import { DevPki, DevTsa, IssuedIdentity, TimeStamper, TrustStore, createDevPki, createDevTsa, makePdf, signPdf, verifyPdf } from '@edx/trust';
import { createHash } from 'node:crypto';

const AGENCY = '000.00.00.G22';
const DAY = 24 * 3600 * 1000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/**
 * A signer writes its own signingTime, so a forger with an expired or revoked key backdates it.
 * The verdict is judged at a time the verifier can prove: its own (or the caller's `at`), or the
 * genTime of a time-stamp token from a trusted TSA over this very signature.
 */
describe('PDF signatures are judged at a provable time, never at the claimed signingTime', () => {
  let pki: DevPki;
  let store: TrustStore;
  let tsa: DevTsa;
  let tsaTrust: TrustStore;
  /** Valid from 400 days ago for 30 days: long expired. */
  let expired: IssuedIdentity;

  beforeAll(() => {
    pki = createDevPki({ validFrom: ago(800) });
    store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [pki.crlPem()]);
    expired = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', validFrom: ago(400), validDays: 30 });
    tsa = createDevTsa(pki, { validFrom: ago(500), validDays: 1000 });
    tsaTrust = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);
  });

  it('refuses a backdated signature made with an expired certificate (CERT_EXPIRED), reporting the claim apart', () => {
    const claimed = new Date(Math.floor(ago(390).getTime() / 1000) * 1000); // UTCTime keeps whole seconds
    const [report] = verifyPdf(signPdf(makePdf('backdated'), expired.identity, { signingTime: claimed }), { trustStore: store });
    expect(report).toMatchObject({ ok: false, code: 'CERT_EXPIRED', judgedBy: 'verifier', claimedSigningTime: claimed, validAtJudgedTime: false, validNow: false });
    expect(Math.abs(report.judgedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(report).not.toHaveProperty('validAtSigningTime');
  });

  it('refuses a signature backdated to before its certificate was revoked (CERT_REVOKED)', () => {
    const revoked = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
    const crl = pki.revoke(revoked.serialNumber, ago(1));
    const revokedStore = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [crl]);
    const [report] = verifyPdf(signPdf(makePdf('revoked'), revoked.identity, { signingTime: ago(2) }), { trustStore: revokedStore });
    expect(report).toMatchObject({ ok: false, code: 'CERT_REVOKED', judgedBy: 'verifier' });
  });

  it('judges at the caller\'s provable time `at` (an attested receipt time) when it gives one', () => {
    const receivedAt = ago(385);
    const [report] = verifyPdf(signPdf(makePdf('received then'), expired.identity, { signingTime: ago(386) }), { trustStore: store, at: receivedAt });
    expect(report).toMatchObject({ ok: true, judgedBy: 'verifier', judgedAt: receivedAt, validAtJudgedTime: true, validNow: false });
  });

  it('judges at the genTime of a trusted TSA token over the signature value', () => {
    const stampedAt = ago(390);
    const signed = signPdf(makePdf('stamped'), expired.identity, { signingTime: ago(391), timestamp: tsa.at(stampedAt) });
    const [report] = verifyPdf(signed, { trustStore: store, tsaTrust });
    expect(report).toMatchObject({ ok: true, judgedBy: 'timestamp', judgedAt: stampedAt, validAtJudgedTime: true, validNow: false });
    expect(report.message).toContain('time-stamp');
  });

  it('judges at the earlier of the token and the caller\'s time', () => {
    const signed = signPdf(makePdf('both'), expired.identity, { timestamp: tsa.at(ago(390)) });
    const receivedAt = ago(395);
    expect(verifyPdf(signed, { trustStore: store, tsaTrust, at: receivedAt })[0]).toMatchObject({ ok: true, judgedBy: 'verifier', judgedAt: receivedAt });
  });

  it('does not believe a token without a configured TSA trust', () => {
    const signed = signPdf(makePdf('no tsa trust'), expired.identity, { timestamp: tsa.at(ago(390)) });
    expect(verifyPdf(signed, { trustStore: store })[0]).toMatchObject({ ok: false, code: 'CERT_EXPIRED', judgedBy: 'verifier' });
  });

  it('does not believe a token over something else than this signature value', () => {
    const elsewhere: TimeStamper = { stamp: (_imprint, digest) => tsa.at(ago(390)).stamp(createHash(digest).update('another signature').digest(), digest) };
    const [report] = verifyPdf(signPdf(makePdf('replayed token'), expired.identity, { timestamp: elsewhere }), { trustStore: store, tsaTrust });
    expect(report).toMatchObject({ ok: false, code: 'CERT_EXPIRED', judgedBy: 'verifier' });
    expect(report.message).toMatch(/imprint/);
  });

  it('does not believe a token whose genTime was altered after the TSA signed it', () => {
    const signed = signPdf(makePdf('altered token'), expired.identity, { timestamp: tsa.at(new Date('2024-06-01T00:00:00Z')) });
    // The GeneralizedTime "20240601000000Z" inside the hex /Contents becomes 2023: the TSA never said that.
    const hex = Buffer.from('20240601000000Z', 'latin1').toString('hex');
    const at = signed.indexOf(hex, 0, 'latin1');
    expect(at).toBeGreaterThan(0);
    signed.write(Buffer.from('20230601000000Z', 'latin1').toString('hex'), at, 'latin1');
    const [report] = verifyPdf(signed, { trustStore: store, tsaTrust });
    expect(report).toMatchObject({ ok: false, code: 'CERT_EXPIRED', judgedBy: 'verifier' });
  });

  it('does not believe a TSA outside the TSA trust, or one whose certificate is not a critical timeStamping one', () => {
    const stranger = createDevTsa(createDevPki({ validFrom: ago(800) }), { validFrom: ago(500), validDays: 1000 });
    const notTsa = DevTsa.using(pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' }));
    const lax = createDevTsa(pki, { validFrom: ago(500), validDays: 1000, critical: false });
    for (const authority of [stranger, notTsa, lax]) {
      const signed = signPdf(makePdf('which tsa'), expired.identity, { timestamp: authority.at(ago(390)) });
      expect(verifyPdf(signed, { trustStore: store, tsaTrust })[0]).toMatchObject({ ok: false, code: 'CERT_EXPIRED', judgedBy: 'verifier' });
    }
  });

  it('judges a current signature at the verifier\'s time and keeps it valid', () => {
    const current = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
    const [report] = verifyPdf(signPdf(makePdf('today'), current.identity, { timestamp: tsa }), { trustStore: store, tsaTrust });
    expect(report).toMatchObject({ ok: true, judgedBy: 'timestamp', validAtJudgedTime: true, validNow: true });
    expect(report.claimedSigningTime).toBeInstanceOf(Date);
  });

  it('accepts a SHA-1 PDF signature only when a trusted time-stamp proves it was made before the cut-off', () => {
    const oldPki = createDevPki({ validFrom: ago(3000), validDays: 5000 });
    const oldStore = TrustStore.fromPem([oldPki.rootCertificatePem], [oldPki.intermediateCertificatePem]);
    const signer = oldPki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', validFrom: ago(2900), validDays: 4000 });
    const oldTsa = createDevTsa(oldPki, { validFrom: ago(2900), validDays: 4000 });
    const sha1Now = verifyPdf(signPdf(makePdf('sha1'), signer.identity, { digest: 'sha1' }), { trustStore: oldStore })[0];
    expect(sha1Now).toMatchObject({ ok: false, code: 'SIGNATURE_ALGORITHM_WEAK', message: expect.stringMatching(/SHA-1.*2020-01-01/) });
    const stamped = signPdf(makePdf('sha1 stamped'), signer.identity, { digest: 'sha1', timestamp: oldTsa.at(new Date('2019-06-01T00:00:00Z')) });
    expect(verifyPdf(stamped, { trustStore: oldStore, tsaTrust: oldStore })[0]).toMatchObject({ ok: true, judgedBy: 'timestamp' });
  });
});
