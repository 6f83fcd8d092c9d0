import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDevPki } from '../pki/dev-pki';
import { encryptPrivateKey, loadIdentity, loadIdentityFiles } from './identity';

describe('private keys at rest: encrypted PKCS#8, opened only with their passphrase', () => {
  const pki = createDevPki();
  const issued = pki.issue({ code: '000.00.00.G22', name: 'Văn phòng Chính phủ' });
  const dir = mkdtempSync(path.join(tmpdir(), 'edx-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the key encrypted, and opens it with the passphrase', () => {
    const encrypted = encryptPrivateKey(issued.keyPem, 'đúng mật khẩu');
    expect(encrypted).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(encrypted).not.toContain(issued.keyPem.split('\n')[1]);
    const identity = loadIdentity({ pem: { key: encrypted, cert: issued.certificatePem, passphrase: 'đúng mật khẩu' } });
    expect(identity.certificate.agencyCode).toBe('000.00.00.G22');
  });

  it('refuses an encrypted key without its passphrase, or with another, saying which (KEY_INVALID)', () => {
    const encrypted = encryptPrivateKey(issued.keyPem, 'đúng mật khẩu');
    expect(() => loadIdentity({ pem: { key: encrypted, cert: issued.certificatePem } })).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringMatching(/encrypted and no passphrase.*EDX_KEY_PASSPHRASE_FILE/) }));
    expect(() => loadIdentity({ pem: { key: encrypted, cert: issued.certificatePem, passphrase: 'sai' } })).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringMatching(/cannot be decrypted/) }));
  });

  it('reads key and certificate files, naming the file that is wrong', () => {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    writeFileSync(keyFile, encryptPrivateKey(issued.keyPem, 'p'));
    writeFileSync(certFile, issued.certificatePem);
    expect(loadIdentityFiles(keyFile, certFile, 'p').certificate.serialNumber).toBe(issued.serialNumber.toLowerCase().replace(/^0+/, ''));
    expect(() => loadIdentityFiles(keyFile, certFile)).toThrow(expect.objectContaining({ message: expect.stringContaining(keyFile) }));
    expect(() => loadIdentityFiles(path.join(dir, 'missing.pem'), certFile)).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringMatching(/missing\.pem.*ENOENT/) }));
  });
});
