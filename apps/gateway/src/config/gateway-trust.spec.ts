import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDevPki } from '@edx/trust';
import { GatewayTrust } from './gateway-trust';

const derOf = (pem: string) => Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----|\s+/g, ''), 'base64');
const policy = { requireOrganisationSignature: 'main' } as const;

describe("the gateway's trust files", () => {
  const pki = createDevPki();
  const dir = mkdtempSync(path.join(tmpdir(), 'edx-gateway-trust-'));
  const file = (name: string, content: string | Buffer) => {
    writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a DER root (.crt), a PEM intermediate and a DER CRL', () => {
    const trust = new GatewayTrust({ anchors: [file('root.crt', derOf(pki.rootCertificatePem))], intermediates: [file('issuing.pem', pki.intermediateCertificatePem)], crls: [file('issuing.crl', derOf(pki.crlPem()))] }, policy);
    const leaf = pki.issue({ code: '000.00.00.G22', name: 'Văn phòng Chính phủ' }).identity.certificate;
    expect(trust.store.check(leaf, [], new Date())).toMatchObject({ ok: true });
  });

  it('names a trust file it cannot read (KEY_INVALID) instead of starting without it', () => {
    const broken = file('broken.crt', Buffer.from('not a certificate'));
    expect(() => new GatewayTrust({ anchors: [broken], intermediates: [], crls: [] }, policy)).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringContaining(broken) }));
  });
});
