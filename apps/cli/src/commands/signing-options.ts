import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SigningIdentity, loadIdentityFiles } from '@edx/trust';
import { demoKeyPassphrase } from '../up/consistency';
import { OptionTable, UsageError } from '../command';
import { identityFromOptions } from '../output/files';

/** Who signs, for every verb that signs: a demo agency, PEM files, or a PKCS#12 file. */
export const SIGNING_OPTIONS = {
  agency: { type: 'string', value: 'CODE', help: 'sign as this demo agency, with the key and certificate `npm start` wrote to DIR/agencies/CODE/' },
  dir: { type: 'string', value: 'DIR', default: '.edx', help: 'the demo folder that --agency reads' },
  key: { type: 'string', value: 'KEY.pem', help: 'the signing private key (PEM), with --cert' },
  cert: { type: 'string', value: 'CERT.pem', help: 'the signing certificate (PEM), with --key' },
  p12: { type: 'string', value: 'FILE.p12', help: 'the key and certificate as one PKCS#12 file, instead of --key and --cert' },
  password: { type: 'string', help: 'the password of the --p12 file, or the passphrase of an encrypted --key' },
} as const satisfies OptionTable;

export const SIGNING_USAGE = '(--agency CODE [--dir .edx] | --key KEY.pem --cert CERT.pem | --p12 FILE.p12 --password PASSWORD)';

interface SigningValues {
  readonly agency?: string;
  readonly dir: string;
  readonly key?: string;
  readonly cert?: string;
  readonly p12?: string;
  readonly password?: string;
}

export function signingIdentity(values: SigningValues): SigningIdentity {
  const given = [values.agency && '--agency', (values.key || values.cert) && '--key/--cert', values.p12 && '--p12'].filter(Boolean);
  if (given.length === 0) throw new UsageError('say who signs: --agency CODE (a demo agency), --key and --cert (PEM), or --p12 and --password');
  if (given.length > 1) throw new UsageError(`give one signer: ${given.join(' and ')} were both given`);
  return values.agency ? agencyIdentity(values.dir, values.agency) : identityFromOptions(values);
}

/** The key and certificate the demo wrote for one of its agencies (see demo-setup.ts). */
function agencyIdentity(dir: string, code: string): SigningIdentity {
  const folder = path.join(dir, 'agencies', code);
  const keyFile = path.join(folder, 'key.pem');
  const certFile = path.join(folder, 'cert.pem');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    const known = existsSync(path.join(dir, 'agencies')) ? readdirSync(path.join(dir, 'agencies')) : [];
    const there = known.length ? ` (agencies in ${path.join(dir, 'agencies')}: ${known.join(', ')})` : '';
    throw new UsageError(`no key for agency ${code} in ${folder}: run \`npm start\` first, or give --key and --cert${there}`);
  }
  return loadIdentityFiles(keyFile, certFile, demoKeyPassphrase(dir));
}
