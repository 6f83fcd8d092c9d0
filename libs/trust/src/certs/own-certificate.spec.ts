import { createDevPki } from '../pki/dev-pki';
import { loadIdentity } from './identity';
import { assertOwnCertificateAccepted } from './own-certificate';
import { TrustStore } from './trust-store';

describe("a service's check of its own signing certificate", () => {
  const pki = createDevPki();
  const store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);
  const identityFrom = (issued: { keyPem: string; certificatePem: string }) => loadIdentity({ pem: { key: issued.keyPem, cert: issued.certificatePem } });
  const hub = identityFrom(pki.issue({ code: 'edx.hub', name: 'edx exchange hub', kind: 'organisation' }));
  const options = { who: 'The hub', fix: 'Run `edx up --reset`.' };

  it('passes for a certificate of the current PKI issued for the expected code', () => {
    expect(() => assertOwnCertificateAccepted(hub, store, 'edx.hub', options)).not.toThrow();
  });

  it('refuses a certificate from another PKI, naming the certificate and the fix', () => {
    const stale = identityFrom(createDevPki().issue({ code: 'edx.hub', name: 'edx exchange hub', kind: 'organisation' }));
    expect(() => assertOwnCertificateAccepted(stale, store, 'edx.hub', options)).toThrow(
      expect.objectContaining({ code: 'CERT_OWN_REFUSED', message: expect.stringMatching(/edx exchange hub.*CERT_UNTRUSTED.*edx up --reset/s) }),
    );
  });

  it('refuses a certificate issued for another identity', () => {
    const agency = identityFrom(pki.issue({ code: '000.00.00.G22', name: 'Văn phòng Chính phủ', kind: 'organisation' }));
    expect(() => assertOwnCertificateAccepted(agency, store, 'edx.hub', options)).toThrow(
      expect.objectContaining({ code: 'CERT_OWN_REFUSED', message: expect.stringContaining('not for edx.hub') }),
    );
  });

  it('refuses a certificate that has expired', () => {
    expect(() => assertOwnCertificateAccepted(hub, store, 'edx.hub', { ...options, now: new Date('2200-01-01T00:00:00Z') })).toThrow(
      expect.objectContaining({ code: 'CERT_OWN_REFUSED', message: expect.stringContaining('CERT_EXPIRED') }),
    );
  });
});
