import path from 'node:path';
import { DevPki } from '@edx/trust';
import { Command, OptionTable, UsageError, parseOptions } from '../command';

const options = {
  serial: { type: 'string', value: 'HEX', help: 'the serial number of the certificate, as `edx pki issue` printed it (required)' },
  dir: { type: 'string', value: 'DIR', default: '.edx/pki', help: 'the dev PKI that issued it' },
} as const satisfies OptionTable;

/** `edx pki revoke`: puts a certificate on the dev PKI's CRL. */
export const pkiRevokeCommand: Command = {
  name: 'pki revoke',
  summary: 'revoke a dev PKI certificate (updates crl.pem)',
  usage: 'pki revoke --serial HEX [--dir .edx/pki] [--json]',
  description:
    'Puts a certificate of the dev PKI on its revocation list and rewrites DIR/crl.pem. `edx verify --trust DIR` then reports CERT_REVOKED for its signatures (unless a PDF signature\'s own time is before the revocation); ' +
    'an exchange learns of it when the new CRL is given to the console (POST /v1/trust/crls).',
  options,
  examples: ['edx pki revoke --serial 1a2b3c4d5e6f708192a3b4c5', 'edx pki revoke --serial 1a2b3c4d5e6f708192a3b4c5 --dir my-pki'],
  async run({ args }) {
    const { values } = parseOptions(args, options);
    if (!values.serial) throw new UsageError('--serial HEX is required');
    if (!/^[0-9a-fA-F]+$/.test(values.serial)) throw new UsageError(`--serial ${values.serial} is not a hex serial number`);
    const dir = values.dir;
    const pki = DevPki.load(dir);
    pki.revoke(values.serial);
    pki.save(dir);
    return { ok: true, message: `Revoked ${values.serial}; the new CRL is ${path.join(dir, 'crl.pem')} (give it to the console: POST /v1/trust/crls).` };
  },
};
