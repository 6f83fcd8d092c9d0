import { readFileSync } from 'node:fs';
import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { consoleFrom, consoleOptions } from './console-options';

const options = {
  label: { type: 'string', value: 'TEXT', help: 'what it is, for the people who read the directory later (e.g. "Ban Cơ yếu Chính phủ root CA G2")' },
  ...consoleOptions,
} as const satisfies OptionTable;

const KINDS = ['anchors', 'intermediates', 'crls'] as const;

export const trustAddCommand: Command = {
  name: 'trust add',
  summary: 'register trust anchors, intermediate CAs or CRLs with the console',
  usage: 'trust add anchors|intermediates|crls FILE [--label TEXT] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    "Registers the certificates (PEM, several blocks, or DER) or CRLs in FILE with the console (administrators only). Anchors and intermediates are what every agency's signatures must chain to: gateways receive them when they enrol. " +
    'A CRL must be signed by a registered CA; gateways poll the console for the latest of each issuer.',
  options,
  examples: ['edx trust add anchors root-ca.pem --label "dev root CA"', 'edx trust add crls issuing-ca.crl'],
  async run({ args }) {
    const { values, positionals } = parseOptions(args, options);
    const [kind, file] = positionals;
    if (!KINDS.includes(kind as (typeof KINDS)[number]) || !file || positionals.length !== 2) throw new UsageError('give the kind (anchors, intermediates or crls) and the FILE');
    const bytes = readFileSync(file);
    // PEM as text, DER as base64: the console reads both.
    const pem = bytes.includes('-----BEGIN') ? bytes.toString('utf8') : bytes.toString('base64');
    const { id } = await consoleFrom(values).addTrust(kind as (typeof KINDS)[number], pem, values.label);
    return { ok: true, message: `Registered ${file} as ${kind} (id ${id}).`, id };
  },
};
