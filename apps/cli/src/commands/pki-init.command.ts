import { existsSync } from 'node:fs';
import path from 'node:path';
import { EdxError } from '@edx/common';
import { createDevPki } from '@edx/trust';
import { Command, OptionTable, parseOptions } from '../command';

const options = {
  dir: { type: 'string', value: 'DIR', default: '.edx/pki', help: 'the folder to create the PKI in' },
  force: { type: 'boolean', help: 'replace a PKI already in DIR (everything it issued stops being trusted)' },
} as const satisfies OptionTable;

/** `edx pki init`: a development root CA and issuing CA, for tests and demos only. */
export const pkiInitCommand: Command = {
  name: 'pki init',
  summary: 'create a development PKI (root CA, issuing CA, CRL) in a folder',
  usage: 'pki init [--dir .edx/pki] [--force] [--json]',
  description:
    'Creates a development PKI in DIR: a root CA, an issuing (intermediate) CA and an empty CRL, as root.pem, intermediate.pem and crl.pem, which `edx verify --trust DIR` trusts. ' +
    'The CA keys are kept in DIR/state.json, so this is for tests and demos only; `npm start` makes its own in .edx/pki.',
  options,
  examples: ['edx pki init --dir my-pki', 'edx pki init --force'],
  async run({ args, print }) {
    const { values } = parseOptions(args, options);
    const dir = values.dir;
    if (existsSync(path.join(dir, 'state.json')) && !values.force) {
      throw new EdxError('CONFLICT', `A dev PKI exists in ${dir}; pass --force to replace it (every certificate it issued stops being trusted).`);
    }
    createDevPki().save(dir);
    print(`trust anchor: ${path.join(dir, 'root.pem')}  (give the folder to \`edx verify --trust ${dir}\`)`);
    return { ok: true, message: `Dev PKI created in ${dir} (development only: its CA keys are in state.json).`, dir };
  },
};
