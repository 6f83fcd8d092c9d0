import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TransportCa } from '@edx/trust';
import { serverCertificateProblems, serverFiles, writeServerCertificate } from './transport-files';

describe("the demo's HTTPS files, as edx up checks them", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'edx-transport-files-'));
  const ca = TransportCa.create();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a certificate the CA issued for this server, with its key (encrypted)', () => {
    writeServerCertificate(ca, dir, 'console', 'secret');
    expect(serverCertificateProblems(ca, dir, 'console', 'secret')).toEqual([]);
    expect(serverCertificateProblems(ca, dir, 'console', 'wrong')[0]).toMatch(/console's HTTPS key or certificate in pki\/transport\/console\/ cannot be read/);
  });

  it('names a certificate of another CA, a key of another certificate, a client certificate and one without 127.0.0.1', () => {
    writeServerCertificate(TransportCa.create({ name: 'other' }), dir, 'hub');
    expect(serverCertificateProblems(ca, dir, 'hub')).toEqual(['pki/transport/hub/cert.pem is not issued by the transport CA in pki/transport/ca.pem']);

    writeServerCertificate(ca, dir, 'gateway-a');
    writeServerCertificate(ca, dir, 'gateway-b');
    copyFileSync(serverFiles(dir, 'gateway-b').key, serverFiles(dir, 'gateway-a').key);
    expect(serverCertificateProblems(ca, dir, 'gateway-a')).toEqual(['pki/transport/gateway-a/key.pem is not the key of pki/transport/gateway-a/cert.pem']);

    const client = ca.issueKeyPair({ commonName: 'x', purposes: ['client'], hosts: ['localhost'] });
    const files = serverFiles(dir, 'gateway-b');
    writeFileSync(files.cert, client.certificatePem);
    writeFileSync(files.key, client.keyPem);
    expect(serverCertificateProblems(ca, dir, 'gateway-b')).toEqual([
      'pki/transport/gateway-b/cert.pem is not for TLS servers (extendedKeyUsage serverAuth)',
      'pki/transport/gateway-b/cert.pem does not name 127.0.0.1',
    ]);

    const expired = ca.issueKeyPair({ commonName: 'old', purposes: ['server'], hosts: ['127.0.0.1'], validFrom: new Date(Date.now() - 3 * 86_400_000), validDays: 1 });
    writeFileSync(files.cert, expired.certificatePem);
    writeFileSync(files.key, expired.keyPem);
    expect(serverCertificateProblems(ca, dir, 'gateway-b')).toEqual([expect.stringMatching(/^pki\/transport\/gateway-b\/cert\.pem is not valid now/)]);
  });
});
