import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EdxError } from '@edx/common';
import { SigningIdentity, loadIdentity } from '@edx/trust';
import { UsageError } from '../command';

/** Reads a file the user named; a missing file is a check failure with a plain message. */
export function readInput(file: string | undefined, what = 'FILE'): Buffer {
  if (!file) throw new UsageError(`${what} is required`);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new EdxError('REQUEST_INVALID', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}

/** A signing identity from --key/--cert (PEM) or --p12/--password. */
export function identityFromOptions(values: { key?: string; cert?: string; p12?: string; password?: string }): SigningIdentity {
  if (values.p12) return loadIdentity({ pkcs12: { der: readInput(values.p12, '--p12'), password: values.password ?? '' } });
  if (!values.key || !values.cert) throw new UsageError('give --key and --cert (PEM), or --p12 and --password');
  return loadIdentity({ pem: { key: readInput(values.key, '--key').toString('utf8'), cert: readInput(values.cert, '--cert').toString('utf8'), passphrase: values.password } });
}

/** The demo's file, for defaults (console URL and token, a gateway and its first agency's key). */
export interface DemoFile {
  readonly console: { url: string; adminToken: string };
  readonly gateways: Array<{ id: string; url: string; agencies: Array<{ code: string; apiKey: string }> }>;
}

export function readDemo(dir = '.edx'): DemoFile | undefined {
  const file = path.join(dir, 'demo.json');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return text ? (JSON.parse(text) as DemoFile) : undefined;
}
