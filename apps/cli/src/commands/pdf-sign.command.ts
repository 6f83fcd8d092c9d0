import { writeFileSync } from 'node:fs';
import { makePdf, signPdf } from '@edx/trust';
import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { readInput } from '../output/files';
import { SIGNING_OPTIONS, SIGNING_USAGE, signingIdentity } from './signing-options';

const options = {
  text: { type: 'string', help: 'sign a fresh one-page PDF showing TEXT instead of reading FILE (needs --out)' },
  ...SIGNING_OPTIONS,
  out: { type: 'string', value: 'OUT.pdf', help: 'where to write the signed PDF (default: FILE with .signed.pdf for .pdf)' },
  reason: { type: 'string', help: 'the reason recorded in the signature, e.g. "Phê duyệt"' },
} as const satisfies OptionTable;

/** `edx pdf sign`: adds a signature (person or organisation) to a PDF as an incremental update. */
export const pdfSignCommand: Command = {
  name: 'pdf sign',
  summary: 'sign a PDF as a person or an organisation (PKCS#7/CMS, incremental update)',
  usage: `pdf sign (FILE [--out OUT.pdf] | --text TEXT --out OUT.pdf) ${SIGNING_USAGE} [--reason REASON] [--json]`,
  description:
    'Adds a signature to the PDF FILE as an incremental update, so signatures already on it stay valid; sign once as a person and once as the organisation for the usual pair. ' +
    'With --text it makes a new one-page PDF showing TEXT and signs that, to get a first signed document without a PDF of your own. ' +
    'The signer is a demo agency (--agency, after `npm start`), a PEM key and certificate, or a PKCS#12 file (e.g. from `edx pki issue`).',
  options,
  examples: [
    'edx pdf sign --text "Công văn 7816/VPCP-TTĐT" --agency 000.00.00.G22 --out cong-van.pdf',
    'edx pdf sign van-ban.pdf --key org/key.pem --cert org/cert.pem --out van-ban.signed.pdf',
    'edx pdf sign van-ban.pdf --p12 person/000.00.00.G22.p12 --password PASSWORD --reason "Phê duyệt"',
  ],
  async run({ args }) {
    const { values, positionals } = parseOptions(args, options);
    if (values.text !== undefined && positionals.length > 0) throw new UsageError('give FILE or --text TEXT, not both');
    if (values.text !== undefined && !values.out) throw new UsageError('--out OUT.pdf is required with --text (where to write the new signed PDF)');
    const pdf = values.text !== undefined ? makePdf(values.text) : readInput(positionals[0], 'FILE (or --text TEXT)');
    const identity = signingIdentity(values);
    const out = values.out ?? positionals[0]!.replace(/(\.pdf)?$/i, '.signed.pdf');
    writeFileSync(out, signPdf(pdf, identity, { reason: values.reason }));
    return { ok: true, message: `Signed as ${identity.certificate.subject} (${identity.certificate.kind}): ${out}`, out, signer: identity.certificate.subject };
  },
};
