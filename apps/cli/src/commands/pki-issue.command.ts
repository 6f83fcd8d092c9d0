import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAgencyCode } from '@edx/edxml';
import { DevPki } from '@edx/trust';
import { Command, UsageError, parseOptions } from '../command';

/** `edx pki issue`: an agency (organisation) or person signing certificate from the dev PKI. */
export const pkiIssueCommand: Command = {
  name: 'pki issue',
  summary: 'issue an organisation or person signing certificate (PEM key, cert, chain and PKCS#12)',
  usage: 'pki issue --code CODE --name NAME [--kind organisation|person] [--organisation NAME] [--dir .edx/pki] [--out DIR] [--json]',
  async run({ args, print }) {
    const { values } = parseOptions(args, {
      dir: { type: 'string' }, code: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' }, organisation: { type: 'string' }, out: { type: 'string' },
    });
    if (!values.code || !values.name) throw new UsageError('--code and --name are required');
    const kind = (values.kind ?? 'organisation') as 'organisation' | 'person';
    if (kind !== 'organisation' && kind !== 'person') throw new UsageError('--kind must be organisation or person');
    const code = parseAgencyCode(values.code);
    const dir = values.dir ?? '.edx/pki';
    const pki = DevPki.load(dir);
    const issued = pki.issue({ code, name: values.name, kind, organisation: values.organisation });
    const out = values.out ?? path.join(dir, 'issued', `${code}-${issued.serialNumber}`);
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'key.pem'), issued.keyPem, { mode: 0o600 });
    writeFileSync(path.join(out, 'cert.pem'), issued.certificatePem);
    writeFileSync(path.join(out, 'chain.pem'), issued.chainPem);
    writeFileSync(path.join(out, `${code}.p12`), issued.pkcs12, { mode: 0o600 });
    print(`PKCS#12 password: ${issued.pkcs12Password}`);
    return {
      ok: true,
      message: `Issued a ${kind} certificate for ${code} (serial ${issued.serialNumber}) in ${out}`,
      serialNumber: issued.serialNumber, out, pkcs12Password: issued.pkcs12Password,
    };
  },
};
