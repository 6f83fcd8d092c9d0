import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';

/**
 * A folder only its owner may enter (0700), also when it already existed with wider rights: `.edx/`
 * and the folders of keys. Creates missing parents.
 */
export function privateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Writes a file only its owner may read (0600), also over an existing file with wider rights (a
 * mode given to writeFileSync applies only when it creates the file): private keys, PKCS#12 files,
 * configurations that hold credentials.
 */
export function writePrivateFile(file: string, data: string | Buffer): void {
  writeFileSync(file, data, { mode: 0o600 });
  chmodSync(file, 0o600);
}
