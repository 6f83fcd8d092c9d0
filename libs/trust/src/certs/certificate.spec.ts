import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { createDevPki } from '../pki/dev-pki';
import { Certificate } from './certificate';

const NAME = 'Văn phòng Chính phủ';

/** A self-signed certificate whose CN is written with the given ASN.1 string type, as other CAs do. */
function certificateWithCommonName(value: string, tag: forge.asn1.Type): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  // forge encodes UTF8String (UTF-8) and BMPString (UTF-16) values itself, and writes others as the bytes given.
  const attributes = [{ shortName: 'CN', value, valueTagClass: tag as unknown as number }, { shortName: 'O', value: 'edx', valueTagClass: forge.asn1.Type.PRINTABLESTRING as unknown as number }];
  cert.setSubject(attributes);
  cert.setIssuer(attributes);
  cert.sign(key, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

describe('names in certificates', () => {
  const pki = createDevPki();

  it('writes a Vietnamese name once in UTF-8, as node:crypto and Certificate read it', () => {
    const issued = pki.issue({ code: '000.00.00.G22', name: NAME });
    expect(new X509Certificate(issued.certificatePem).subject).toContain(`CN=${NAME}`);
    expect(new X509Certificate(issued.certificatePem).subject).toContain(`O=${NAME}`);
    const cert = Certificate.from(issued.certificatePem);
    expect(cert.subject).toContain(`CN=${NAME}`);
    expect(cert.kind).toBe('organisation');
    expect(cert.agencyCode).toBe('000.00.00.G22');
  });

  it("keeps a person's name and organisation apart", () => {
    const person = Certificate.from(pki.issue({ code: '000.00.00.G22', name: 'Nguyễn Văn A', kind: 'person', organisation: NAME }).certificatePem);
    expect(person.subject).toContain('CN=Nguyễn Văn A');
    expect(person.kind).toBe('person');
  });

  it('names the issuer as the issuing CA names itself', () => {
    const ca = pki.issueCa({ name: 'Cục Chứng thực số' });
    const leaf = Certificate.from(pki.issue({ code: '000.00.00.G22', name: NAME, issuer: ca }).certificatePem);
    expect(leaf.issuer).toBe(Certificate.from(ca.certificatePem).subject);
    expect(leaf.isSignedBy(Certificate.from(ca.certificatePem))).toBe(true);
  });

  it('reads the string types real-world CAs use: PrintableString, UTF8String, BMPString, TeletexString', () => {
    const cases: Array<[string, forge.asn1.Type, string]> = [
      ['Root CA Vietnam', forge.asn1.Type.PRINTABLESTRING, 'Root CA Vietnam'],
      [NAME, forge.asn1.Type.UTF8, NAME],
      [NAME, forge.asn1.Type.BMPSTRING, NAME],
      [Buffer.from('Société Générale', 'latin1').toString('binary'), 20 as forge.asn1.Type, 'Société Générale'],
    ];
    for (const [value, tag, expected] of cases) {
      const cert = Certificate.from(certificateWithCommonName(value, tag));
      expect(cert.commonName).toBe(expected);
      expect(cert.kind).toBe('person');
    }
  });
});
