import { KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import forge from 'node-forge';
import { DevCa, createDevPki } from '../pki/dev-pki';
import { DEFAULT_ALGORITHM_POLICY, assertAlgorithmAllowed, assertKeyAllowed } from './algorithm-policy';
import { Certificate } from './certificate';
import { TrustStore } from './trust-store';

const AGENCY = '000.00.00.G22';
const DAY = 24 * 3600 * 1000;
const OLD = new Date('2018-06-01T00:00:00Z');

/** A leaf with an EC key (forge cannot make one): forge's TBS with the key swapped, signed by `ca` natively. */
function ecLeafUnder(ca: DevCa, publicKey: KeyObject): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const placeholder = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
  const issuer = forge.pki.certificateFromPem(ca.certificatePem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(placeholder.n, placeholder.e);
  cert.serialNumber = '1a2b3c';
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 30 * DAY);
  cert.setSubject([{ shortName: 'CN', value: 'EC signer' }, { type: '0.9.2342.19200300.100.1.1', value: AGENCY }]);
  cert.setIssuer(issuer.subject.attributes);
  cert.setExtensions([{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, critical: true }]);
  cert.sign(placeholder, forge.md.sha256.create()); // sets the algorithm fields; the signature is replaced
  // getTBSCertificate is in forge, not in its type definitions.
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  (tbs.value as forge.asn1.Asn1[])[6] = forge.asn1.fromDer(publicKey.export({ type: 'spki', format: 'der' }).toString('binary'));
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, ca.keyPem);
  const asn1 = forge.asn1;
  const algorithm = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(forge.pki.oids.sha256WithRSAEncryption).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
  ]);
  const whole = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [tbs, algorithm, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature.toString('binary')}`)]);
  return Buffer.from(asn1.toDer(whole).getBytes(), 'binary').toString('base64');
}

describe('the algorithm policy', () => {
  describe('assertAlgorithmAllowed, for the CMS and XML-DSig verifiers', () => {
    it('never accepts MD5, by OID, XML-DSig URI or name', () => {
      for (const md5 of ['1.2.840.113549.2.5', '1.2.840.113549.1.1.4', 'http://www.w3.org/2001/04/xmldsig-more#rsa-md5', 'MD5']) {
        expect(() => assertAlgorithmAllowed('digest', md5, { signedAt: OLD })).toThrow(
          expect.objectContaining({ code: 'SIGNATURE_ALGORITHM_WEAK', message: expect.stringMatching(/MD5.*never/) }),
        );
      }
    });

    it('accepts SHA-1 only for signatures made before the cut-off (default 2020-01-01)', () => {
      expect(DEFAULT_ALGORITHM_POLICY.sha1AllowedBefore.toISOString()).toBe('2020-01-01T00:00:00.000Z');
      for (const sha1 of ['1.3.14.3.2.26', '1.2.840.113549.1.1.5', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'sha1']) {
        expect(() => assertAlgorithmAllowed('signature', sha1, { signedAt: OLD })).not.toThrow();
        expect(() => assertAlgorithmAllowed('signature', sha1, { signedAt: new Date('2024-03-01T00:00:00Z') })).toThrow(
          expect.objectContaining({ code: 'SIGNATURE_ALGORITHM_WEAK', message: expect.stringMatching(/SHA-1.*2020-01-01/) }),
        );
      }
    });

    it('refuses SHA-1 when nothing proves when the signature was made', () => {
      expect(() => assertAlgorithmAllowed('digest', 'sha1', {})).toThrow(expect.objectContaining({ code: 'SIGNATURE_ALGORITHM_WEAK' }));
    });

    it('takes its cut-off from the policy it is given', () => {
      const policy = { ...DEFAULT_ALGORITHM_POLICY, sha1AllowedBefore: new Date('2030-01-01T00:00:00Z') };
      expect(() => assertAlgorithmAllowed('digest', 'sha1', { signedAt: new Date(), policy })).not.toThrow();
    });

    it('leaves SHA-2 alone', () => {
      for (const ok of ['2.16.840.1.101.3.4.2.1', '1.2.840.113549.1.1.11', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'sha512', '1.2.840.10045.4.3.3']) {
        expect(() => assertAlgorithmAllowed('signature', ok, {})).not.toThrow();
      }
    });

    it('accepts RSA keys of 2048 bits and more, EC P-256 and P-384, nothing weaker', () => {
      const rsa = (modulusLength: number) => generateKeyPairSync('rsa', { modulusLength }).publicKey;
      const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve }).publicKey;
      expect(() => assertKeyAllowed(rsa(2048))).not.toThrow();
      expect(() => assertKeyAllowed(ec('P-256'))).not.toThrow();
      expect(() => assertKeyAllowed(ec('P-384'))).not.toThrow();
      expect(() => assertKeyAllowed(rsa(1024), { what: 'the test certificate' })).toThrow(
        expect.objectContaining({ code: 'SIGNATURE_ALGORITHM_WEAK', message: expect.stringMatching(/test certificate.*1024.*2048/) }),
      );
      expect(() => assertKeyAllowed(ec('secp256k1'))).toThrow(expect.objectContaining({ code: 'SIGNATURE_ALGORITHM_WEAK' }));
    });
  });

  describe('in TrustStore.check', () => {
    const pki = createDevPki({ validFrom: new Date('2017-01-01T00:00:00Z'), validDays: 20 * 365 });
    const now = new Date();
    const storeWith = (...intermediates: string[]) => TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem, ...intermediates]);
    const checkOf = (certificatePem: string, store = storeWith()) => store.check(Certificate.from(certificatePem), [], now, now);
    const leaf = (extra: Omit<Parameters<typeof pki.issue>[0], 'code' | 'name'>) => pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', ...extra });

    it('refuses an MD5-signed certificate, whatever its date', () => {
      expect(checkOf(leaf({ digest: 'md5', validFrom: OLD, validDays: 20 * 365 }).certificatePem)).toMatchObject({
        ok: false,
        code: 'SIGNATURE_ALGORITHM_WEAK',
        message: expect.stringMatching(/md5WithRSAEncryption.*never/),
      });
    });

    it('accepts a SHA-1-signed certificate issued before the cut-off, refuses one issued after it', () => {
      expect(checkOf(leaf({ digest: 'sha1', validFrom: OLD, validDays: 20 * 365 }).certificatePem)).toMatchObject({ ok: true });
      expect(checkOf(leaf({ digest: 'sha1' }).certificatePem)).toMatchObject({ ok: false, code: 'SIGNATURE_ALGORITHM_WEAK', message: expect.stringContaining('SHA-1') });
    });

    it('refuses a 1024-bit RSA key, on the leaf and on a CA', () => {
      expect(checkOf(leaf({ keyBits: 1024 }).certificatePem)).toMatchObject({ ok: false, code: 'SIGNATURE_ALGORITHM_WEAK', message: expect.stringContaining('1024') });
      const weakCa = pki.issueCa({ name: 'edx Weak CA', keyBits: 1024 });
      expect(checkOf(leaf({ issuer: weakCa }).certificatePem, storeWith(weakCa.certificatePem))).toMatchObject({
        ok: false,
        code: 'SIGNATURE_ALGORITHM_WEAK',
        message: expect.stringMatching(/edx Weak CA.*1024/),
      });
    });

    it('refuses a certificate whose CA signed it with MD5, and a CRL signed with MD5 or with SHA-1 after the cut-off', () => {
      const md5Ca = pki.issueCa({ name: 'edx MD5 CA', digest: 'md5', validFrom: OLD });
      expect(checkOf(leaf({ issuer: md5Ca }).certificatePem, storeWith(md5Ca.certificatePem))).toMatchObject({ ok: false, code: 'SIGNATURE_ALGORITHM_WEAK' });

      const good = leaf({});
      const withCrl = (crl: string) => TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [crl]);
      expect(checkOf(good.certificatePem, withCrl(pki.crlPem()))).toMatchObject({ ok: true });
      expect(checkOf(good.certificatePem, withCrl(pki.crlPem({ digest: 'md5' })))).toMatchObject({ ok: false, code: 'SIGNATURE_ALGORITHM_WEAK', message: expect.stringContaining('revocation list') });
      expect(checkOf(good.certificatePem, withCrl(pki.crlPem({ digest: 'sha1' })))).toMatchObject({ ok: false, code: 'SIGNATURE_ALGORITHM_WEAK' });
      const oldSha1Crl = pki.crlPem({ digest: 'sha1', thisUpdate: OLD, validDays: 20 * 365 });
      expect(checkOf(good.certificatePem, withCrl(oldSha1Crl))).toMatchObject({ ok: true });
    });

    it('accepts an EC P-256 or P-384 leaf, refuses one on another curve', () => {
      const ec = (namedCurve: string) => Certificate.from(Buffer.from(ecLeafUnder(pki.issuingCa, generateKeyPairSync('ec', { namedCurve }).publicKey), 'base64'));
      for (const curve of ['P-256', 'P-384']) {
        const leaf = ec(curve);
        expect([leaf.canSign, leaf.commonName]).toEqual([true, 'EC signer']);
        expect(storeWith().check(leaf, [], now, now)).toMatchObject({ ok: true });
      }
      expect(storeWith().check(ec('secp256k1'), [], now, now)).toMatchObject({ ok: false, code: 'SIGNATURE_ALGORITHM_WEAK', message: expect.stringContaining('secp256k1') });
    });

    it('takes the cut-off from the store options', () => {
      const late = leaf({ digest: 'sha1' });
      const lenient = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [], {
        crlPolicy: 'if-present',
        staleCrl: 'fail',
        algorithms: { ...DEFAULT_ALGORITHM_POLICY, sha1AllowedBefore: new Date(now.getTime() + DAY) },
      });
      expect(checkOf(late.certificatePem, lenient)).toMatchObject({ ok: true });
    });
  });
});
