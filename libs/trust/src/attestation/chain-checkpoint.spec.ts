import { loadIdentity } from '../certs/identity';
import { TrustStore } from '../certs/trust-store';
import { createDevPki } from '../pki/dev-pki';
import { ChainCheckpoint, signChainCheckpoint, verifyChainCheckpoint } from './chain-checkpoint';

describe('the hub chain checkpoint', () => {
  const pki = createDevPki();
  const store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);
  const identityOf = (code: string, issuer = pki) => {
    const issued = issuer.issue({ code, name: 'edx exchange hub', kind: 'organisation' });
    return loadIdentity({ pem: { key: issued.keyPem, cert: issued.certificatePem } });
  };
  const checkpoint: ChainCheckpoint = { seq: 7, at: new Date().toISOString(), documents: 3, events: 11, head: 'ab'.repeat(32), attestedBy: 'edx.hub' };
  const check = { hubCode: 'edx.hub', trustStore: store };

  it('round-trips: a gateway keeps what the hub signed', () => {
    expect(verifyChainCheckpoint(signChainCheckpoint(checkpoint, identityOf('edx.hub')), check)).toEqual(checkpoint);
  });

  it('refuses a checkpoint whose head was changed after signing', () => {
    const [h, , s] = signChainCheckpoint(checkpoint, identityOf('edx.hub')).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...checkpoint, head: 'cd'.repeat(32) })).toString('base64url')}.${s}`;
    expect(() => verifyChainCheckpoint(forged, check)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('does not verify') }));
  });

  it("refuses one signed by an agency instead of the hub, or by a hub the anchors do not know", () => {
    expect(() => verifyChainCheckpoint(signChainCheckpoint(checkpoint, identityOf('000.00.00.G22')), check)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('not by the hub') }));
    expect(() => verifyChainCheckpoint(signChainCheckpoint(checkpoint, identityOf('edx.hub', createDevPki())), check)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('refused') }));
    expect(() => verifyChainCheckpoint(undefined, check)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INVALID' }));
  });
});
