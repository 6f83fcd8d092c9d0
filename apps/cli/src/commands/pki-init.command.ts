import { existsSync } from 'node:fs';
import path from 'node:path';
import { EdxError } from '@edx/common';
import { createDevPki } from '@edx/trust';
import { Command, parseOptions } from '../command';

/** `edx pki init`: a development root CA and issuing CA, for tests and demos only. */
export const pkiInitCommand: Command = {
  name: 'pki init',
  summary: 'create a development PKI (root CA, issuing CA, CRL) in a folder',
  usage: 'pki init [--dir .edx/pki] [--force] [--json]',
  async run({ args, print }) {
    const { values } = parseOptions(args, { dir: { type: 'string' }, force: { type: 'boolean' } });
    const dir = values.dir ?? '.edx/pki';
    if (existsSync(path.join(dir, 'state.json')) && !values.force) {
      throw new EdxError('CONFLICT', `A dev PKI exists in ${dir}; pass --force to replace it (every certificate it issued stops being trusted).`);
    }
    createDevPki().save(dir);
    print(`trust anchor: ${path.join(dir, 'root.pem')}  (give the folder to \`edx verify --trust ${dir}\`)`);
    return { ok: true, message: `Dev PKI created in ${dir} (development only: its CA keys are in state.json).`, dir };
  },
};
