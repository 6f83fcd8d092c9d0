import { createDevPki } from '../pki/dev-pki';
import { Certificate } from './certificate';
import { TrustStore } from './trust-store';

const AGENCY = '000.00.00.G22';
const DAY = 24 * 3600 * 1000;

describe('certificate chains: every issuer is a CA allowed to issue what it issued', () => {
  const pki = createDevPki();
  const now = new Date();
  const storeWith = (...intermediates: string[]) => TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem, ...intermediates]);
  const checkOf = (certificatePem: string, store: TrustStore = storeWith()) => store.check(Certificate.from(certificatePem), [], now, now);
  const leafUnder = (issuer?: Parameters<typeof pki.issue>[0]['issuer']) => pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', issuer });

  it('accepts a leaf under a well-formed sub-CA', () => {
    const ca = pki.issueCa({ name: 'edx Test Sub CA' });
    expect(checkOf(leafUnder(ca).certificatePem, storeWith(ca.certificatePem))).toMatchObject({ ok: true });
  });

  it('refuses a chain through a certificate that is not a CA (basicConstraints cA=false)', () => {
    const notCa = pki.issueCa({ name: 'edx Not A CA', ca: false });
    expect(checkOf(leafUnder(notCa).certificatePem, storeWith(notCa.certificatePem))).toMatchObject({
      ok: false,
      code: 'CERT_CHAIN_INVALID',
      message: expect.stringMatching(/edx Not A CA.*not a CA/),
    });
  });

  it('refuses a chain through a CA whose KeyUsage lacks keyCertSign', () => {
    const ca = pki.issueCa({ name: 'edx CA Without keyCertSign', keyCertSign: false });
    expect(checkOf(leafUnder(ca).certificatePem, storeWith(ca.certificatePem))).toMatchObject({
      ok: false,
      code: 'CERT_CHAIN_INVALID',
      message: expect.stringMatching(/edx CA Without keyCertSign.*keyCertSign/),
    });
  });

  it('enforces pathLenConstraint: a pathLen 0 CA may not have a sub-CA under it', () => {
    const zero = pki.issueCa({ name: 'edx PathLen0 CA', pathLength: 0 });
    const sub = pki.issueCa({ name: 'edx Sub Of PathLen0', under: zero });
    expect(checkOf(leafUnder(zero).certificatePem, storeWith(zero.certificatePem))).toMatchObject({ ok: true });
    expect(checkOf(leafUnder(sub).certificatePem, storeWith(zero.certificatePem, sub.certificatePem))).toMatchObject({
      ok: false,
      code: 'CERT_CHAIN_INVALID',
      message: expect.stringMatching(/edx PathLen0 CA.*pathLenConstraint 0/),
    });
  });

  it('counts only the CA certificates below: pathLen 1 allows one sub-CA, not two', () => {
    const one = pki.issueCa({ name: 'edx PathLen1 CA', pathLength: 1 });
    const sub = pki.issueCa({ name: 'edx Sub One', under: one });
    const subSub = pki.issueCa({ name: 'edx Sub Two', under: sub });
    const store = storeWith(one.certificatePem, sub.certificatePem, subSub.certificatePem);
    expect(checkOf(leafUnder(sub).certificatePem, store)).toMatchObject({ ok: true });
    expect(checkOf(leafUnder(subSub).certificatePem, store)).toMatchObject({ ok: false, code: 'CERT_CHAIN_INVALID' });
  });

  it('refuses a leaf without a KeyUsage extension for signing (CERT_KEY_USAGE), as one without signing bits', () => {
    const bare = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', keyUsage: 'none' });
    expect(Certificate.from(bare.certificatePem).canSign).toBeUndefined();
    expect(checkOf(bare.certificatePem)).toMatchObject({ ok: false, code: 'CERT_KEY_USAGE', message: expect.stringContaining('no KeyUsage') });
    expect(checkOf(pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', canSign: false }).certificatePem)).toMatchObject({ ok: false, code: 'CERT_KEY_USAGE' });
  });

  it('matches the anchor by its key, not its name', () => {
    const impostor = createDevPki();
    const store = TrustStore.fromPem([impostor.rootCertificatePem], [pki.intermediateCertificatePem]);
    expect(checkOf(leafUnder().certificatePem, store)).toMatchObject({ ok: false, code: 'CERT_UNTRUSTED' });
  });

  it('uses a CRL only when its issuer may sign CRLs (cRLSign)', () => {
    const withCrlSign = pki.issueCa({ name: 'edx CRL Signing CA' });
    const withoutCrlSign = pki.issueCa({ name: 'edx CA Without cRLSign', cRLSign: false });
    const revokedUnder = (ca: typeof withCrlSign) => {
      const leaf = leafUnder(ca);
      pki.revoke(leaf.serialNumber, new Date(now.getTime() - DAY));
      return leaf;
    };
    const good = revokedUnder(withCrlSign);
    const bad = revokedUnder(withoutCrlSign);
    const crlStore = (ca: typeof withCrlSign) =>
      TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem, ca.certificatePem], [pki.crlPem({ issuer: ca })], { crlPolicy: 'require', staleCrl: 'fail' });
    expect(checkOf(good.certificatePem, crlStore(withCrlSign))).toMatchObject({ ok: false, code: 'CERT_REVOKED' });
    // The list signed by a CA without cRLSign is no evidence: with CRLs required, there is none.
    expect(checkOf(bad.certificatePem, crlStore(withoutCrlSign))).toMatchObject({ ok: false, code: 'CRL_MISSING' });
  });
});
