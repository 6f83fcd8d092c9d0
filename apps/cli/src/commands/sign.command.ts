import { writeFileSync } from 'node:fs';
import { resignEdxml } from '@edx/trust';
import { Command, parseOptions } from '../command';
import { identityFromOptions, readInput } from '../output/files';

/** `edx sign FILE`: puts the agency's envelope signature on an edXML package or status message. */
export const signCommand: Command = {
  name: 'sign',
  summary: "sign an edXML package or status message with an agency's key (envelope XML-DSig)",
  usage: 'sign FILE (--key KEY.pem --cert CERT.pem | --p12 FILE --password P) [--out OUT] [--json]',
  async run({ args }) {
    const { values, positionals } = parseOptions(args, {
      key: { type: 'string' }, cert: { type: 'string' }, p12: { type: 'string' }, password: { type: 'string' }, out: { type: 'string' },
    });
    const input = readInput(positionals[0]);
    const identity = identityFromOptions(values);
    const out = values.out ?? positionals[0]!.replace(/(\.edxml)?$/, '.signed.edxml');
    writeFileSync(out, resignEdxml(input, identity));
    return { ok: true, message: `Signed as ${identity.certificate.subject}: ${out}`, out, signer: identity.certificate.subject };
  },
};
