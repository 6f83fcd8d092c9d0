import { createHash } from 'node:crypto';
import { loadIdentity } from '../certs/identity';
import { TrustStore } from '../certs/trust-store';
import { createDevPki } from '../pki/dev-pki';
import { ReceiptAttestation, signReceiptAttestation, verifyReceiptAttestation } from './receipt-attestation';

describe('the hub receipt attestation', () => {
  const pki = createDevPki();
  const store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);
  const identityOf = (code: string) => {
    const issued = pki.issue({ code, name: 'edx exchange hub', kind: 'organisation' });
    return loadIdentity({ pem: { key: issued.keyPem, cert: issued.certificatePem } });
  };
  const hub = identityOf('edx.hub');
  const body = Buffer.from('<edXML>the package as delivered</edXML>');
  const attestation: ReceiptAttestation = {
    packageId: '9b2f0c1e-1d3a-4e5f-8a9b-0c1d2e3f4a5b',
    sha256: createHash('sha256').update(body).digest('hex'),
    receivedAt: '2026-12-01T08:00:00.000Z',
    verdict: 'valid',
    signatures: [{ what: 'envelope', signer: 'CN=Văn phòng Chính phủ', serialNumber: '01' }],
    attestedBy: 'edx.hub',
  };
  const check = { body, packageId: attestation.packageId, hubCode: 'edx.hub', trustStore: store };

  it('round-trips: a gateway reads back the time the hub verified the package at', () => {
    expect(verifyReceiptAttestation(signReceiptAttestation(attestation, hub), check)).toEqual(attestation);
  });

  it('refuses an attestation of other bytes, of another package id, or none at all', () => {
    const token = signReceiptAttestation(attestation, hub);
    expect(() => verifyReceiptAttestation(token, { ...check, body: Buffer.from('<edXML>altered</edXML>') })).toThrow(expect.objectContaining({ code: 'ATTESTATION_INVALID' }));
    expect(() => verifyReceiptAttestation(token, { ...check, packageId: '00000000-0000-4000-8000-000000000000' })).toThrow(/not 00000000/);
    expect(() => verifyReceiptAttestation(undefined, check)).toThrow(/without the hub/);
  });

  it('refuses a changed receipt time (the signature covers it)', () => {
    const [header, , signature] = signReceiptAttestation(attestation, hub).split('.');
    const backdated = Buffer.from(JSON.stringify({ ...attestation, receivedAt: '2020-01-01T00:00:00.000Z' })).toString('base64url');
    expect(() => verifyReceiptAttestation(`${header}.${backdated}.${signature}`, check)).toThrow(/does not verify/);
  });

  it('refuses an attestation signed by an agency rather than the hub, or by a hub of another PKI', () => {
    expect(() => verifyReceiptAttestation(signReceiptAttestation(attestation, identityOf('000.00.00.G22')), check)).toThrow(/not by the hub/);
    const stranger = createDevPki().issue({ code: 'edx.hub', name: 'edx exchange hub', kind: 'organisation' });
    const token = signReceiptAttestation(attestation, loadIdentity({ pem: { key: stranger.keyPem, cert: stranger.certificatePem } }));
    expect(() => verifyReceiptAttestation(token, check)).toThrow(/CERT_UNTRUSTED/);
  });

  it('refuses an attestation dated in the future', () => {
    const token = signReceiptAttestation({ ...attestation, receivedAt: '2999-01-01T00:00:00.000Z' }, hub);
    expect(() => verifyReceiptAttestation(token, check)).toThrow(/in the future/);
  });
});
