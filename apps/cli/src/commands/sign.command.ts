import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resignEdxml } from '@edx/trust';
import { Command, OptionTable, parseOptions } from '../command';
import { readInput } from '../output/files';
import { SIGNING_OPTIONS, SIGNING_USAGE, signingIdentity } from './signing-options';

const options = {
  ...SIGNING_OPTIONS,
  'package-id': {
    type: 'string', value: 'ID',
    help: 'the id the signature binds: the AMQP message id the package (or status) will travel under; receivers refuse it under any other (default: a new UUID, printed)',
  },
  about: { type: 'string', value: 'PACKAGE_ID', help: 'for a status message: the package id of the document it answers, which its signature binds too (required for a status)' },
  out: { type: 'string', value: 'OUT.edxml', help: 'where to write the signed file (default: FILE with .signed.edxml)' },
} as const satisfies OptionTable;

/** `edx sign FILE`: puts the agency's envelope signature on an edXML package or status message. */
export const signCommand: Command = {
  name: 'sign',
  summary: "sign an edXML package or status message with an agency's key (envelope XML-DSig)",
  usage: `sign FILE ${SIGNING_USAGE} [--package-id ID] [--about PACKAGE_ID] [--out OUT.edxml] [--json]`,
  description:
    'Puts the sending agency\'s envelope signature (XML-DSig over the envelope, the manifest, every attachment and the package id) on the edXML package or status message FILE, replacing any envelope signature it has. ' +
    'The package id is the AMQP message id the package will be published under; the hub and receivers refuse it under any other. ' +
    'The PDFs inside keep their own signatures: sign those first with `edx pdf sign`. The signer must be the agency the document is from, or receivers reject it.',
  options,
  examples: [
    'edx sign package.edxml --agency 000.00.00.G22',
    'edx sign package.edxml --key org/key.pem --cert org/cert.pem --package-id 5b0c1c4e-8d7e-4b8f-9a43-0e6a3c1d2f10 --out package.signed.edxml',
  ],
  async run({ args }) {
    const { values, positionals } = parseOptions(args, options);
    const input = readInput(positionals[0]);
    const identity = signingIdentity(values);
    const out = values.out ?? positionals[0]!.replace(/(\.edxml)?$/, '.signed.edxml');
    const packageId = values['package-id'] ?? randomUUID();
    writeFileSync(out, resignEdxml(input, identity, packageId, values.about));
    return { ok: true, message: `Signed as ${identity.certificate.subject} for package id ${packageId}: ${out}`, out, signer: identity.certificate.subject, packageId };
  },
};
