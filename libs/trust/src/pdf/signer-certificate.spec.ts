import { Certificate, DevPki, IssuedIdentity, TrustStore, createDevPki, makePdf, signPdf, verifyPdf } from '@edx/trust';

const AGENCY = '000.00.00.G22';

/**
 * CMS names its signer by issuer and serial number (or by subject key identifier), and the ESS
 * signing-certificate attribute binds the signature to one certificate: the signer is that
 * certificate, not whichever carried certificate happens to share its serial number.
 */
describe('the signer certificate of a PDF signature', () => {
  let pki: DevPki;
  let store: TrustStore;
  let organisation: IssuedIdentity;
  let issuingCa: Certificate;

  beforeAll(() => {
    pki = createDevPki();
    store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [pki.crlPem()]);
    organisation = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
    issuingCa = Certificate.from(pki.intermediateCertificatePem);
  });

  it('is found by issuer and serial together when the CA and its leaf share a serial number', () => {
    const twin = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', serialNumber: issuingCa.serialNumber });
    expect(twin.identity.certificate.serialNumber).toBe(issuingCa.serialNumber);
    // The CA comes first among the carried certificates, as some signers write them.
    const signed = signPdf(makePdf('same serial'), twin.identity, { certificates: [issuingCa, twin.identity.certificate] });
    const [report] = verifyPdf(signed, { trustStore: store });
    expect(report).toMatchObject({ ok: true, signer: { subject: twin.identity.certificate.subject, kind: 'organisation' } });
  });

  it('is found by subject key identifier', () => {
    const signed = signPdf(makePdf('by key id'), organisation.identity, { identifiedBy: 'subject-key-identifier' });
    expect(verifyPdf(signed, { trustStore: store })[0]).toMatchObject({ ok: true, signer: { subject: organisation.identity.certificate.subject } });
  });

  it('must be the one the signing-certificate-v2 attribute names (SIGNATURE_INVALID otherwise)', () => {
    const signed = signPdf(makePdf('ess v2'), organisation.identity, { signingCertificate: { certificate: issuingCa } });
    const [report] = verifyPdf(signed, { trustStore: store });
    expect(report).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID', message: expect.stringMatching(/signing-certificate/) });
  });

  it('must be the one the signing-certificate (v1, SHA-1) attribute names', () => {
    const good = signPdf(makePdf('ess v1'), organisation.identity, { signingCertificate: { version: 1 } });
    expect(verifyPdf(good, { trustStore: store })[0]).toMatchObject({ ok: true });
    const bad = signPdf(makePdf('ess v1 bad'), organisation.identity, { signingCertificate: { version: 1, certificate: issuingCa } });
    expect(verifyPdf(bad, { trustStore: store })[0]).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID', message: expect.stringMatching(/signing-certificate/) });
  });
});
