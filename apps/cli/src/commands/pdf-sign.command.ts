import { writeFileSync } from 'node:fs';
import { signPdf } from '@edx/trust';
import { Command, parseOptions } from '../command';
import { identityFromOptions, readInput } from '../output/files';

/** `edx pdf sign`: adds a signature (person or organisation) to a PDF as an incremental update. */
export const pdfSignCommand: Command = {
  name: 'pdf sign',
  summary: 'sign a PDF as a person or an organisation (PKCS#7/CMS, incremental update)',
  usage: 'pdf sign FILE (--key KEY.pem --cert CERT.pem | --p12 FILE --password P) [--out OUT] [--reason R] [--json]',
  async run({ args }) {
    const { values, positionals } = parseOptions(args, {
      key: { type: 'string' }, cert: { type: 'string' }, p12: { type: 'string' }, password: { type: 'string' }, out: { type: 'string' }, reason: { type: 'string' },
    });
    const pdf = readInput(positionals[0]);
    const identity = identityFromOptions(values);
    const out = values.out ?? positionals[0]!.replace(/(\.pdf)?$/i, '.signed.pdf');
    writeFileSync(out, signPdf(pdf, identity, { reason: values.reason }));
    return { ok: true, message: `Signed as ${identity.certificate.subject} (${identity.certificate.kind}): ${out}`, out };
  },
};
