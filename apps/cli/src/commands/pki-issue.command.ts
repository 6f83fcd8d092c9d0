import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAgencyCode } from '@edx/edxml';
import { DevPki } from '@edx/trust';
import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { privateDirectory, writePrivateFile } from '@edx/common';

const options = {
  code: { type: 'string', help: 'the agency code written in the certificate, e.g. 000.00.00.G22 (required)' },
  name: { type: 'string', help: "the organisation's name, or for --kind person the person's (required)" },
  kind: { type: 'string', value: 'organisation|person', default: 'organisation', help: 'an organisation seal certificate, or a person signing for the agency' },
  organisation: { type: 'string', value: 'NAME', help: 'for --kind person: the organisation they sign for (default: the code)' },
  dir: { type: 'string', value: 'DIR', default: '.edx/pki', help: 'the dev PKI to issue from, made by `edx pki init`' },
  out: { type: 'string', value: 'DIR', help: 'where to write key.pem, cert.pem, chain.pem and CODE.p12 (default: DIR/issued/CODE-SERIAL)' },
  csr: { type: 'string', value: 'FILE', help: "issue for the key of this certificate request (`edx gateway key` writes one): only cert.pem and chain.pem are written, the key stays where it was made" },
  'crl-url': { type: 'string', value: 'URL', help: 'an http(s) CRL distribution point to write in the certificate (verifiers fetch the CRL there)' },
  'ocsp-url': { type: 'string', value: 'URL', help: 'an http(s) OCSP responder to write in the certificate (authorityInfoAccess)' },
} as const satisfies OptionTable;

/** `edx pki issue`: an agency (organisation) or person signing certificate from the dev PKI. */
export const pkiIssueCommand: Command = {
  name: 'pki issue',
  summary: 'issue an organisation or person signing certificate (PEM key, cert, chain and PKCS#12)',
  usage: 'pki issue --code CODE --name NAME [--kind organisation|person] [--organisation NAME] [--csr FILE] [--dir .edx/pki] [--out DIR] [--crl-url URL] [--ocsp-url URL] [--json]',
  description:
    'Issues a signing certificate from the dev PKI in --dir, for an agency (organisation) or a person of it, and writes the new key and certificate as PEM (key.pem, cert.pem, chain.pem) and as PKCS#12 (CODE.p12, whose password is printed). ' +
    'Use them with `edx pdf sign` and `edx sign`, and register an agency\'s certificate with `edx agency add --cert`.',
  options,
  examples: [
    'edx pki issue --code 000.00.00.G22 --name "Văn phòng Chính phủ" --out org',
    'edx pki issue --code 000.00.00.G22 --kind person --name "Nguyễn Văn A" --organisation "Văn phòng Chính phủ" --out person',
    'edx pki issue --csr gw/agencies/000.00.00.H42/request.csr --code 000.00.00.H42 --name "UBND tỉnh Hà Tĩnh" --out ha-tinh',
  ],
  async run({ args, print }) {
    const { values } = parseOptions(args, options);
    if (!values.code || !values.name) throw new UsageError('--code and --name are required');
    const kind = values.kind as 'organisation' | 'person';
    if (kind !== 'organisation' && kind !== 'person') throw new UsageError('--kind must be organisation or person');
    const code = parseAgencyCode(values.code);
    const dir = values.dir;
    const pki = DevPki.load(dir);
    for (const [flag, url] of [['--crl-url', values['crl-url']], ['--ocsp-url', values['ocsp-url']]] as const) {
      if (url !== undefined && !/^https?:\/\/\S+$/i.test(url)) throw new UsageError(`${flag} must be an http(s) URL`);
    }
    const revocation = { crlUrl: values['crl-url'], ocspUrl: values['ocsp-url'] };
    if (values.csr) {
      const forRequest = pki.issueForRequest(readFileSync(values.csr, 'utf8'), { code, name: values.name, kind, organisation: values.organisation, revocation });
      const out = values.out ?? path.join(dir, 'issued', `${code}-${forRequest.serialNumber}`);
      privateDirectory(out);
      writeFileSync(path.join(out, 'cert.pem'), forRequest.certificatePem);
      writeFileSync(path.join(out, 'chain.pem'), forRequest.chainPem);
      return { ok: true, message: `Issued a ${kind} certificate for ${code} (serial ${forRequest.serialNumber}) for the key of ${values.csr}: ${path.join(out, 'cert.pem')}`, serialNumber: forRequest.serialNumber, out };
    }
    const issued = pki.issue({ code, name: values.name, kind, organisation: values.organisation, revocation });
    const out = values.out ?? path.join(dir, 'issued', `${code}-${issued.serialNumber}`);
    privateDirectory(out);
    writePrivateFile(path.join(out, 'key.pem'), issued.keyPem);
    writeFileSync(path.join(out, 'cert.pem'), issued.certificatePem);
    writeFileSync(path.join(out, 'chain.pem'), issued.chainPem);
    writePrivateFile(path.join(out, `${code}.p12`), issued.pkcs12);
    print(`PKCS#12 password: ${issued.pkcs12Password}`);
    return {
      ok: true,
      message: `Issued a ${kind} certificate for ${code} (serial ${issued.serialNumber}) in ${out}`,
      serialNumber: issued.serialNumber, out, pkcs12Password: issued.pkcs12Password,
    };
  },
};
