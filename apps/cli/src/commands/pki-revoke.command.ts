import path from 'node:path';
import { DevPki } from '@edx/trust';
import { Command, UsageError, parseOptions } from '../command';

/** `edx pki revoke`: puts a certificate on the dev PKI's CRL. */
export const pkiRevokeCommand: Command = {
  name: 'pki revoke',
  summary: 'revoke a dev PKI certificate (updates crl.pem)',
  usage: 'pki revoke --serial HEX [--dir .edx/pki] [--json]',
  async run({ args }) {
    const { values } = parseOptions(args, { dir: { type: 'string' }, serial: { type: 'string' } });
    if (!values.serial || !/^[0-9a-fA-F]+$/.test(values.serial)) throw new UsageError('--serial HEX is required');
    const dir = values.dir ?? '.edx/pki';
    const pki = DevPki.load(dir);
    pki.revoke(values.serial);
    pki.save(dir);
    return { ok: true, message: `Revoked ${values.serial}; the new CRL is ${path.join(dir, 'crl.pem')} (give it to the console: POST /v1/trust/crls).` };
  },
};
