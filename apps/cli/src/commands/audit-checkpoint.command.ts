import { EdxError } from '@edx/common';
import { Command, OptionTable, parseOptions } from '../command';
import { consoleFrom, consoleOptions } from './console-options';

const options = {
  ...consoleOptions,
  timeout: { type: 'string', value: 'SECONDS', default: '30', help: 'how long to wait for the hub to take and publish it' },
} as const satisfies OptionTable;

export const auditCheckpointCommand: Command = {
  name: 'audit checkpoint',
  summary: 'have the hub sign a chain checkpoint now and publish it to every gateway',
  usage: 'audit checkpoint [--timeout SECONDS] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    'Asks the hub, through the console, for a chain checkpoint now (it takes one every EDX_CHECKPOINT_INTERVAL_MS anyway): a signed { time, count, head over every document\'s chain head } that it publishes to every gateway, which keeps it. ' +
    'Waits until the hub has taken and published it and prints its number and head. Exits 1 with STORAGE_UNAVAILABLE when the hub has not taken it within --timeout.',
  options,
  examples: ['edx audit checkpoint', 'edx audit checkpoint --json'],
  async run({ args, print }) {
    const { values } = parseOptions(args, options);
    const client = consoleFrom(values);
    const deadline = Date.now() + Number(values.timeout) * 1000;
    let request = await client.requestCheckpoint();
    // The hub polls for requests; follow this one until its checkpoint is published.
    while (!request.checkpoint?.publishedAt) {
      if (Date.now() > deadline) throw new EdxError('STORAGE_UNAVAILABLE', `The hub has not taken checkpoint request ${request.id} within ${values.timeout} s: is the hub running?`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      request = await client.checkpointRequest(request.id);
    }
    const c = request.checkpoint;
    print(`checkpoint #${c.seq} at ${c.at}: head ${c.head}`);
    return { ok: true, message: `Checkpoint #${c.seq} taken and published.`, ...c };
  },
};
