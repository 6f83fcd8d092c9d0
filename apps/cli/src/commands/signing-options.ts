import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SigningIdentity, loadIdentityFiles } from '@edx/trust';
import { gatewayFiles } from '../gateway/gateway-folder';
import { demoKeyPassphrase } from '../up/consistency';
import { OptionTable, UsageError } from '../command';
import { identityFromOptions } from '../output/files';

/** Who signs, for every verb that signs: a demo agency, PEM files, or a PKCS#12 file. */
export const SIGNING_OPTIONS = {
  agency: { type: 'string', value: 'CODE', help: 'sign as this demo agency, with the key and certificate `npm start` wrote to DIR/gateways/SYSTEM/agencies/CODE/' },
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

/** The key and certificate of one of the demo's agencies, in its gateway's folder (DIR/gateways/SYSTEM/agencies/CODE, see demo-setup.ts). */
function agencyIdentity(dir: string, code: string): SigningIdentity {
  const gateways = path.join(dir, 'gateways');
  const folders = existsSync(gateways) ? readdirSync(gateways).map((system) => gatewayFiles(path.join(gateways, system)).agency(code)) : [];
  const found = folders.find((f) => existsSync(f.key) && existsSync(f.cert));
  if (!found) {
    const known = existsSync(gateways) ? readdirSync(gateways).flatMap((system) => (existsSync(path.join(gateways, system, 'agencies')) ? readdirSync(path.join(gateways, system, 'agencies')) : [])) : [];
    const there = known.length ? ` (the demo's agencies: ${known.join(', ')})` : '';
    throw new UsageError(`no key for agency ${code} in ${gateways}/*/agencies/: run \`npm start\` first, or give --key and --cert${there}`);
  }
  const { key: keyFile, cert: certFile } = found;
  return loadIdentityFiles(keyFile, certFile, demoKeyPassphrase(dir));
}
