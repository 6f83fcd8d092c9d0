import { parseEdxml, validatePackage, validateStatus } from '@edx/edxml';
import { Command, parseOptions } from '../command';
import { readInput } from '../output/files';

/** `edx validate FILE`: edXML structure only (no signatures). */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check an edXML package or status message against the format (structure only)',
  usage: 'validate FILE [--json]',
  description:
    'Checks the edXML package or status message FILE against the edXML format (QCVN 102:2016): the envelope\'s required fields and their forms, agency codes, dates, and that every attachment the envelope names is there. ' +
    'It does not check signatures (that is `edx verify`). Each problem is printed with its code and where it is; warnings do not fail the check.',
  options: {},
  examples: ['edx validate package.edxml', 'edx validate status.edxml --json'],
  async run({ args, print }) {
    const { positionals } = parseOptions(args, {});
    const parsed = parseEdxml(readInput(positionals[0]));
    const issues = parsed.kind === 'package' ? validatePackage(parsed) : validateStatus(parsed);
    for (const i of issues) print(`${i.severity.toUpperCase().padEnd(7)} ${i.code.padEnd(28)} ${i.path}\n        ${i.message}`);
    const errors = issues.filter((i) => i.severity === 'error');
    const summary = `${parsed.kind}: ${errors.length} error(s), ${issues.length - errors.length} warning(s)`;
    return errors.length === 0
      ? { ok: true, message: summary, kind: parsed.kind, issues }
      : { ok: false, code: errors[0].code, message: summary, kind: parsed.kind, issues };
  },
};
