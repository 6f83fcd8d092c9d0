import { Command, UsageError, parseOptions } from '../command';
import { consoleFrom, consoleOptions } from './console-options';

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: "walk the hub's event hash chain and name the first broken link",
  usage: 'audit verify [DOC_ID] [--console URL --token TOKEN] [--json]',
  description:
    "Asks the console to walk the tamper-evident event log of every document, or of the document DOC_ID (a package id): every event must follow the one before it, point at its hash and hash to what it holds, and the last must be the head the document row keeps. " +
    'Exits 0 when every chain holds; 1 with CHAIN_BROKEN naming, for each broken document, the first event that does not hold and why (an edited row, a removed one, the newest removed).',
  options: consoleOptions,
  examples: ['edx audit verify', 'edx audit verify 3f2b6c1e-8d4a-4f7e-9a51-0c2d9e7b6a10 --json'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, consoleOptions);
    if (positionals.length > 1) throw new UsageError('give at most one DOC_ID');
    const audit = await consoleFrom(values).auditChain(positionals[0]);
    for (const b of audit.broken) print(`${b.documentId}  event #${b.seq}: ${b.reason}`);
    const checked = `${audit.documents} document(s), ${audit.events} event(s) checked`;
    if (audit.ok) return { ...audit, ok: true, message: `Every chain holds: ${checked}.` };
    const first = audit.broken[0];
    return { ...audit, ok: false, code: 'CHAIN_BROKEN', message: `${audit.broken.length} broken chain(s) in ${checked}; first: document ${first.documentId}, event #${first.seq}: ${first.reason}.` };
  },
};
