import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { privateDirectory, writePrivateFile } from '@edx/common';

describe('private files: keys and credentials are 0600 in 0700 folders, even when they already existed', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'edx-private-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const mode = (p: string) => statSync(p).mode & 0o777;

  it('narrows an existing world-readable folder and file', () => {
    const dir = path.join(root, 'existing');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const key = path.join(dir, 'key.pem');
    writeFileSync(key, 'old', { mode: 0o644 });
    chmodSync(key, 0o644);
    privateDirectory(dir);
    writePrivateFile(key, '-----BEGIN PRIVATE KEY-----');
    expect(mode(dir)).toBe(0o700);
    expect(mode(key)).toBe(0o600);
  });

  it('creates what is missing with those rights', () => {
    const dir = path.join(root, 'new', 'pki');
    privateDirectory(dir);
    writePrivateFile(path.join(dir, 'state.json'), '{}');
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'state.json'))).toBe(0o600);
  });
});
