import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDevPki } from '../pki/dev-pki';
import { Certificate, certificatesFromPem } from './certificate';
import { readTrustMaterial } from './trust-material';
import { TrustStore } from './trust-store';

const AGENCY = '000.00.00.G22';
const DAY = 24 * 3600 * 1000;

const derOf = (pem: string) => Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----|\s+/g, ''), 'base64');
const blocksOf = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\r?\n?/g)!;
/** The same PEM bundle with one base64 character of its `index`-th block (0-based) changed. */
function damaged(pem: string, index: number): string {
  const blocks = blocksOf(pem);
  const changed = blocks[index].replace(/(-----BEGIN CERTIFICATE-----\r?\n.{40})./, '$1*');
  expect(changed).not.toBe(blocks[index]);
  blocks[index] = changed;
  return blocks.join('');
}
/** The same PEM bundle with valid base64 that is no certificate: its `index`-th block's first byte changed. */
function corrupted(pem: string, index: number): string {
  const blocks = blocksOf(pem);
  blocks[index] = blocks[index].replace(/(-----BEGIN CERTIFICATE-----\r?\n)M/, '$1N');
  return blocks.join('');
}
/** The same PEM bundle with all but the last base64 line of its `index`-th block gone. */
function truncated(pem: string, index: number): string {
  const blocks = blocksOf(pem);
  const lines = blocks[index].split(/\r?\n/);
  blocks[index] = [lines[0], ...lines.slice(-3)].join('\n');
  return blocks.join('');
}

describe('trust material as people get it: PEM and DER, every block read or an error naming it', () => {
  const pki = createDevPki();
  const leaf = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
  const revoked = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
  const crlPem = pki.revoke(revoked.serialNumber, new Date(Date.now() - DAY));
  const dirs: string[] = [];
  const folder = (files: Record<string, string | Buffer>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'edx-trust-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const checkIn = (store: TrustStore, pem: string) => store.check(Certificate.from(pem), [], new Date());

  it('verifies a chain with a DER root (.crt), a DER intermediate (.der) and a DER CRL (.crl) in the folder', () => {
    const dir = folder({ 'root.crt': derOf(pki.rootCertificatePem), 'issuing.der': derOf(pki.intermediateCertificatePem), 'issuing.crl': derOf(crlPem), 'notes.txt': 'not trust material' });
    const store = TrustStore.fromDirectory(dir);
    expect(store.anchors).toHaveLength(1);
    expect(store.intermediates).toHaveLength(1);
    expect(checkIn(store, leaf.certificatePem)).toMatchObject({ ok: true });
    expect(checkIn(store, revoked.certificatePem)).toMatchObject({ ok: false, code: 'CERT_REVOKED' });
  });

  it('reads several certificates from one PEM file (.cer) and a PEM CRL', () => {
    const dir = folder({ 'bundle.cer': pki.intermediateCertificatePem + pki.rootCertificatePem, 'crl.pem': crlPem });
    const store = TrustStore.fromDirectory(dir);
    expect([store.anchors.length, store.intermediates.length]).toEqual([1, 1]);
    expect(checkIn(store, revoked.certificatePem)).toMatchObject({ code: 'CERT_REVOKED' });
  });

  it('stops at a broken file in the folder, naming it', () => {
    const dir = folder({ 'root.crt': derOf(pki.rootCertificatePem), 'broken.crt': Buffer.from([0x30, 0x82, 0x01, 0x00, 1, 2, 3]) });
    expect(() => TrustStore.fromDirectory(dir)).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringContaining('broken.crt') }));
    const text = folder({ 'root.pem': pki.rootCertificatePem, 'empty.pem': 'nothing here\n' });
    expect(() => TrustStore.fromDirectory(text)).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringContaining('empty.pem') }));
  });

  it('refuses a PEM bundle whose second certificate is damaged or cut, naming the block', () => {
    const bundle = pki.intermediateCertificatePem + pki.rootCertificatePem;
    for (const bad of [damaged(bundle, 1), corrupted(bundle, 1), truncated(bundle, 1)]) {
      expect(bad).not.toBe(bundle);
      expect(() => readTrustMaterial(bad, 'bundle.pem')).toThrow(
        expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringMatching(/bundle\.pem.*block 2/) }),
      );
      expect(() => certificatesFromPem(bad)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
      expect(() => TrustStore.fromPem([bad])).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
    }
    const unterminated = bundle.replace(/-----END CERTIFICATE-----\r?\n?$/, '');
    expect(unterminated).not.toBe(bundle);
    expect(() => readTrustMaterial(unterminated, 'bundle.pem')).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringContaining('bundle.pem') }));
  });

  it('refuses what is not trust material (a private key) instead of ignoring it', () => {
    expect(() => readTrustMaterial(leaf.keyPem + pki.rootCertificatePem, 'mixed.pem')).toThrow(
      expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringMatching(/mixed\.pem.*PRIVATE KEY/) }),
    );
  });

  it('reads the same material as PEM text, DER bytes or base64 DER text', () => {
    for (const input of [pki.rootCertificatePem, derOf(pki.rootCertificatePem), derOf(pki.rootCertificatePem).toString('base64'), Buffer.from(pki.rootCertificatePem)]) {
      const material = readTrustMaterial(input, 'root');
      expect(material.certificates.map((c) => c.fingerprint)).toEqual([Certificate.from(pki.rootCertificatePem).fingerprint]);
    }
    expect(readTrustMaterial(derOf(crlPem), 'crl.der').crls).toHaveLength(1);
  });

  it('builds a store from DER buffers too (TrustStore.fromPem and fromMaterial)', () => {
    const store = TrustStore.fromPem([derOf(pki.rootCertificatePem)], [derOf(pki.intermediateCertificatePem)], [derOf(crlPem)]);
    expect(checkIn(store, revoked.certificatePem)).toMatchObject({ code: 'CERT_REVOKED' });
    expect(() => TrustStore.fromMaterial({ anchors: [{ name: '/etc/edx/root.crt', bytes: Buffer.from('garbage') }] })).toThrow(
      expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringContaining('/etc/edx/root.crt') }),
    );
  });
});
