import { generateKeyPairSync } from 'node:crypto';
import { loadIdentity } from '../certs/identity';
import { TrustStore } from '../certs/trust-store';
import { createDevPki } from '../pki/dev-pki';
import { assertOwnSignatureAccepted } from './own-signature';

describe("a service's start-up self-test of its own signatures (sign a status, read it back, verify it)", () => {
  const pki = createDevPki();
  const store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);
  const issued = pki.issue({ code: '000.00.00.G22', name: 'Văn phòng Chính phủ' });
  const identity = loadIdentity({ pem: { key: issued.keyPem, cert: issued.certificatePem } });
  const options = { who: 'Agency 000.00.00.G22', fix: 'Register its current certificate.' };

  it('passes for a key and certificate that belong together, and says how long the round trip took', () => {
    expect(assertOwnSignatureAccepted(identity, store, '000.00.00.G22', options)).toBeGreaterThan(0);
  });

  it('refuses a key that is not the certificate\'s (each check of the certificate alone passes)', () => {
    const stranger = { ...identity, privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
    expect(() => assertOwnSignatureAccepted(stranger, store, '000.00.00.G22', options)).toThrow(
      expect.objectContaining({ code: 'CERT_OWN_REFUSED', message: expect.stringMatching(/Agency 000\.00\.00\.G22's signatures .* SIGNATURE_INVALID: .*Register its current certificate/s) }),
    );
  });

  it('refuses first on the certificate, as the certificate check does', () => {
    expect(() => assertOwnSignatureAccepted(identity, store, '000.00.00.H41', options)).toThrow(expect.objectContaining({ code: 'CERT_OWN_REFUSED', message: expect.stringContaining('not for 000.00.00.H41') }));
  });
});
