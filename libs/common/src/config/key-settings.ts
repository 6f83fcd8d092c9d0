import { readFileSync } from 'node:fs';
import { EdxError } from '../errors';
import { setting } from './settings';

/**
 * Where the passphrase of the encrypted private keys is (hub and gateways): a file, never the
 * environment itself, so the secret stays out of process listings and environment dumps. Unset:
 * the keys are not encrypted.
 */
export const keySettingsShape = {
  EDX_KEY_PASSPHRASE_FILE: setting.optionalText(),
};

/** The passphrase in `file` (one trailing newline dropped), or undefined without a file. Throws KEY_INVALID naming it. */
export function readPassphraseFile(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new EdxError('KEY_INVALID', `The key passphrase file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}
