import { Command, UsageError, parseOptions } from '../command';
import { consoleFrom, consoleOptions } from './console-options';

export const traceCommand: Command = {
  name: 'trace',
  summary: "print a document's journey: verified, routed, every status, every refusal",
  usage: 'trace DOC_ID [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    'Prints the journey of the document DOC_ID (a package id) in time order, from the console: when its gateway sent it (as that gateway reported), when the hub received and verified it (each signature and its verdict), ' +
    'where it was routed, every status from each recipient, each refusal with its code and reason, and every dead letter under the id (a package the hub refused has only those).',
  options: consoleOptions,
  examples: ['edx trace 3f2b6c1e-8d4a-4f7e-9a51-0c2d9e7b6a10', 'edx trace 3f2b6c1e-8d4a-4f7e-9a51-0c2d9e7b6a10 --json'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, consoleOptions);
    if (positionals.length !== 1) throw new UsageError('DOC_ID is required (one package id)');
    const trace = await consoleFrom(values).trace(positionals[0]);
    if (trace.document) print(`${trace.id}  ${String(trace.document.sender)}  ${String(trace.document.codeNumber)}/${String(trace.document.codeNotation)}  ${String(trace.document.subject)}`);
    for (const e of trace.entries) print(`${e.at}  ${e.by.padEnd(24)} ${e.summary}`);
    return { ok: true, message: `${trace.entries.length} step(s)`, ...trace };
  },
};
