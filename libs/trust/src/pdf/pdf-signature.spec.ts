import { zipSync } from 'fflate';
import { DevPki, IssuedIdentity, TrustStore, createDevPki, makePdf, signPdf, verifyDocumentSignatures, verifyPdf } from '@edx/trust';

const AGENCY = '000.00.00.G22';
const DAY = 24 * 3600 * 1000;

describe('PDF signatures (PKCS#7/CMS over byte ranges)', () => {
  let pki: DevPki;
  let organisation: IssuedIdentity;
  let person: IssuedIdentity;
  let store: TrustStore;
  const options = () => ({ trustStore: store, senderCode: AGENCY });

  beforeAll(() => {
    pki = createDevPki();
    organisation = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
    person = pki.issue({ code: AGENCY, name: 'Nguyễn Văn A', kind: 'person', organisation: 'Văn phòng Chính phủ' });
    store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [pki.crlPem()]);
  });

  it('verifies a person and then the organisation signing the same PDF, each with its signer', () => {
    const signed = signPdf(signPdf(makePdf('Quyết định 05/QĐ-UBND'), person.identity), organisation.identity);
    const reports = verifyPdf(signed, options());
    expect(reports).toHaveLength(2);
    expect(reports.map((r) => [r.ok, r.signer?.kind, r.coversWholeFile])).toEqual([
      [true, 'person', false],
      [true, 'organisation', true],
    ]);
    expect(verifyDocumentSignatures([{ name: 'qd.pdf', bytes: signed, format: 'pdf' }], { ...options(), policy: { requireOrganisationSignature: 'main' } }).ok).toBe(true);
  });

  it('accepts the CAdES sub-filter; a SHA-1 digest only when provably made before the cut-off (see signing-time.spec)', () => {
    const signed = signPdf(makePdf('cades'), organisation.identity, { subFilter: 'ETSI.CAdES.detached' });
    expect(verifyPdf(signed, options())[0]).toMatchObject({ ok: true, subFilter: 'ETSI.CAdES.detached' });
    const sha1Today = signPdf(makePdf('old'), organisation.identity, { digest: 'sha1', subFilter: 'ETSI.CAdES.detached' });
    expect(verifyPdf(sha1Today, options())[0]).toMatchObject({ ok: false, code: 'SIGNATURE_ALGORITHM_WEAK' });
  });

  it('reports bytes appended after the last signature (PDF_MODIFIED_AFTER_SIGNING)', () => {
    const signed = signPdf(makePdf('x'), organisation.identity);
    const appended = Buffer.concat([signed, Buffer.from('\n% changed\n')]);
    expect(verifyPdf(appended, options())[0].code).toBe('PDF_MODIFIED_AFTER_SIGNING');
  });

  it('reports altered signed bytes as DIGEST_MISMATCH', () => {
    const signed = signPdf(makePdf('Hello'), organisation.identity);
    const at = signed.indexOf('Hello');
    signed.write('Jello', at, 'latin1');
    expect(verifyPdf(signed, options())[0].code).toBe('DIGEST_MISMATCH');
  });

  it('reports a digest that matches but a value that does not as SIGNATURE_INVALID', () => {
    const signed = signPdf(makePdf('v'), organisation.identity);
    const text = signed.toString('latin1');
    const start = text.indexOf('/Contents <') + 11;
    const hex = text.slice(start, text.indexOf('>', start)).replace(/0+$/, '');
    // The RSA signature value is the last 256 bytes of the CMS blob: flip one of its bits.
    const pos = start + hex.length - 20;
    signed.write(signed[pos] === 0x30 ? '1' : '0', pos, 'latin1');
    expect(verifyPdf(signed, options())[0].code).toBe('SIGNATURE_INVALID');
  });

  it('keeps verifying a later signature when an earlier one is broken', () => {
    const first = signPdf(makePdf('two'), person.identity);
    const text = first.toString('latin1');
    const start = text.indexOf('/Contents <') + 11;
    const hex = text.slice(start, text.indexOf('>', start)).replace(/0+$/, '');
    first.write(first[start + hex.length - 20] === 0x30 ? '1' : '0', start + hex.length - 20, 'latin1');
    const reports = verifyPdf(signPdf(first, organisation.identity), options());
    expect(reports.map((r) => r.ok)).toEqual([false, true]);
  });

  it('refuses a ByteRange whose gap is not exactly the /Contents string', () => {
    const signed = signPdf(makePdf('gap'), organisation.identity);
    const text = signed.toString('latin1');
    const m = /\/ByteRange \[0 (\d+) (\d+) (\d+)\]/.exec(text)!;
    const shifted = `/ByteRange [0 ${String(Number(m[1]) - 1).padStart(10, '0')} ${m[2]} ${m[3]}]`;
    signed.write(shifted, m.index, 'latin1');
    expect(verifyPdf(signed, options())[0].code).toBe('SIGNATURE_INVALID');
  });

  it('reports CERT_REVOKED, CERT_EXPIRED, CERT_NOT_YET_VALID and CERT_KEY_USAGE', () => {
    const revoked = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
    const revokedStore = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [pki.revoke(revoked.serialNumber, new Date(Date.now() - DAY))]);
    expect(verifyPdf(signPdf(makePdf('r'), revoked.identity), { trustStore: revokedStore })[0].code).toBe('CERT_REVOKED');

    const oldPki = createDevPki({ validFrom: new Date(Date.now() - 800 * DAY) });
    const oldStore = { trustStore: TrustStore.fromPem([oldPki.rootCertificatePem], [oldPki.intermediateCertificatePem]) };
    const expired = oldPki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', validFrom: new Date(Date.now() - 400 * DAY), validDays: 30 });
    expect(verifyPdf(signPdf(makePdf('e'), expired.identity), oldStore)[0]).toMatchObject({ code: 'CERT_EXPIRED', validNow: false });
    // A signing time claimed within the validity does not help: the verdict is judged at a provable time.
    const backdated = verifyPdf(signPdf(makePdf('e'), expired.identity, { signingTime: new Date(Date.now() - 390 * DAY) }), oldStore)[0];
    expect(backdated).toMatchObject({ ok: false, code: 'CERT_EXPIRED', judgedBy: 'verifier', validNow: false });
    // Proven to exist while it was valid (the caller's `at`): valid then, reported as not valid now.
    const early = verifyPdf(signPdf(makePdf('e'), expired.identity), { ...oldStore, at: new Date(Date.now() - 390 * DAY) })[0];
    expect(early).toMatchObject({ ok: true, validAtJudgedTime: true, validNow: false });

    const future = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', validFrom: new Date(Date.now() + 10 * DAY) });
    expect(verifyPdf(signPdf(makePdf('f'), future.identity), options())[0].code).toBe('CERT_NOT_YET_VALID');

    const noSigning = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', canSign: false });
    expect(verifyPdf(signPdf(makePdf('k'), noSigning.identity), options())[0].code).toBe('CERT_KEY_USAGE');
  });

  it('reports a stale CRL as CRL_STALE, or accepts it with a warning when so configured', () => {
    const stale = pki.crlPem({ thisUpdate: new Date(Date.now() - 30 * DAY), validDays: 7 });
    const signed = signPdf(makePdf('s'), organisation.identity);
    const failing = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [stale]);
    expect(verifyPdf(signed, { trustStore: failing })[0].code).toBe('CRL_STALE');
    const warning = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [stale], { crlPolicy: 'if-present', staleCrl: 'warn' });
    expect(verifyPdf(signed, { trustStore: warning })[0]).toMatchObject({ ok: true, message: expect.any(String) });
  });

  it('refuses a root with the expected name but another key (CERT_UNTRUSTED)', () => {
    const impostor = createDevPki(); // same subject names, other keys
    const fakeStore = TrustStore.fromPem([impostor.rootCertificatePem], [pki.intermediateCertificatePem]);
    expect(verifyPdf(signPdf(makePdf('u'), organisation.identity), { trustStore: fakeStore })[0].code).toBe('CERT_UNTRUSTED');
  });

  it('applies the policy: the main PDF needs the sending organisation\'s signature, also inside a zip', () => {
    const policy = { requireOrganisationSignature: 'main' as const };
    const unsigned = verifyDocumentSignatures([{ name: 'a.pdf', bytes: makePdf('a'), format: 'pdf' }], { ...options(), policy });
    expect(unsigned.code).toBe('SIGNATURE_MISSING');
    const personOnly = verifyDocumentSignatures([{ name: 'a.pdf', bytes: signPdf(makePdf('a'), person.identity), format: 'pdf' }], { ...options(), policy });
    expect(personOnly.code).toBe('SIGNATURE_MISSING');
    const other = pki.issue({ code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' });
    const wrongSender = verifyDocumentSignatures([{ name: 'a.pdf', bytes: signPdf(makePdf('a'), other.identity), format: 'pdf' }], { ...options(), policy });
    expect(wrongSender.code).toBe('SIGNER_NOT_SENDER');
    const zip = Buffer.from(zipSync({ 'qd.pdf': signPdf(makePdf('z'), organisation.identity) }));
    const zipped = verifyDocumentSignatures([{ name: 'qd.zip', bytes: zip, format: 'zip' }], { ...options(), policy });
    expect(zipped).toMatchObject({ ok: true, reports: [{ document: 'qd.zip/qd.pdf' }] });
  });
});
