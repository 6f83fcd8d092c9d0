import { EdxError } from '@edx/common';
import { ChainCheckpoint, verifyChainCheckpoint } from '@edx/trust';
import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { readInput } from '../output/files';
import { consoleFrom, consoleOptions } from './console-options';
import { fetchFrom } from './transport-options';
import { trustStore } from './verify.command';

const options = {
  ...consoleOptions,
  checkpoint: { type: 'string', value: 'FILE', help: "a chain checkpoint of the hub: the token, or the JSON a gateway's GET /v1/checkpoints/latest answers" },
  gateway: { type: 'string', value: 'URL', help: 'fetch the latest checkpoint this gateway holds (with --api-key; its HTTPS certificate checked against --cacert)' },
  'api-key': { type: 'string', value: 'KEY', help: "an API key of an agency at that gateway" },
  trust: { type: 'string', value: 'DIR', help: "the anchors the checkpoint's signature must chain to (default: .edx/pki when it exists)" },
  hub: { type: 'string', value: 'CODE', default: 'edx.hub', help: "the hub's code its checkpoint certificate is issued for (EDX_HUB_ORGAN_ID)" },
} as const satisfies OptionTable;

/** The signed checkpoint from --checkpoint FILE or --gateway URL --api-key KEY, checked against --trust; undefined when neither was given. */
async function checkpointFrom(values: { checkpoint?: string; gateway?: string; 'api-key'?: string; trust?: string; hub?: string; cacert?: string }): Promise<ChainCheckpoint | undefined> {
  let token: string | undefined;
  if (values.checkpoint && values.gateway) throw new UsageError('give --checkpoint FILE or --gateway URL, not both');
  if (values.checkpoint) {
    const text = readInput(values.checkpoint, '--checkpoint').toString('utf8').trim();
    token = text.startsWith('{') ? (JSON.parse(text) as { token?: string }).token : text;
  } else if (values.gateway) {
    if (!values['api-key']) throw new UsageError('--gateway needs --api-key KEY');
    let res: Response;
    try {
      res = await fetchFrom(values)(`${values.gateway}/v1/checkpoints/latest`, { headers: { 'x-api-key': values['api-key'] } });
    } catch (error) {
      if (error instanceof EdxError) throw error;
      throw new EdxError('REQUEST_INVALID', `The gateway at ${values.gateway} cannot be reached: ${(error as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
    if (!res.ok) throw new EdxError('CHECKPOINT_INVALID', `The gateway at ${values.gateway} gave no checkpoint: ${body.message ?? res.status}`);
    token = body.token;
  } else return undefined;
  return verifyChainCheckpoint(token, { hubCode: values.hub ?? 'edx.hub', trustStore: trustStore(values.trust) });
}

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: "walk the hub's event hash chain and name the first broken link; compare it with a checkpoint a gateway holds",
  usage: 'audit verify [DOC_ID] [--checkpoint FILE | --gateway URL --api-key KEY] [--trust DIR] [--hub CODE] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    "Asks the console to walk the tamper-evident event log of every document, or of the document DOC_ID (a package id): every event must follow the one before it, point at its hash and hash to what it holds, and the last must be the head the document row keeps. " +
    "With a chain checkpoint the hub signed and published to the gateways (--checkpoint FILE, or the latest one a gateway holds with --gateway and --api-key), checked here against --trust, the hub's records must still make that checkpoint's head and every event it covered must still hash as it did: " +
    'a database owner who rewrote an event and recomputed the chain after the checkpoint is caught. ' +
    'Exits 0 when every chain holds; 1 with CHAIN_BROKEN naming, for each broken document, the first event that does not hold and why (an edited row, a removed one, the newest removed, history rewritten after a checkpoint), or CHECKPOINT_INVALID for a checkpoint that is not the hub\'s.',
  options,
  examples: ['edx audit verify', 'edx audit verify 3f2b6c1e-8d4a-4f7e-9a51-0c2d9e7b6a10 --json', 'edx audit verify --gateway https://127.0.0.1:8081 --api-key KEY --trust .edx/pki'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, options);
    if (positionals.length > 1) throw new UsageError('give at most one DOC_ID');
    const checkpoint = await checkpointFrom(values);
    const audit = await consoleFrom(values).auditChain(positionals[0], checkpoint && { seq: checkpoint.seq, head: checkpoint.head });
    for (const b of audit.broken) print(`${b.documentId}  event #${b.seq}: ${b.reason}`);
    if (audit.checkpoint) print(`checkpoint #${audit.checkpoint.seq} (${checkpoint!.at}, ${checkpoint!.events} event(s)): ${audit.checkpoint.ok ? 'the records still make its head' : audit.checkpoint.reason}`);
    const checked = `${audit.documents} document(s), ${audit.events} event(s) checked${audit.checkpoint ? ` against checkpoint #${audit.checkpoint.seq}` : ''}`;
    if (audit.ok) return { ...audit, ok: true, message: `Every chain holds: ${checked}.` };
    const first = audit.broken[0];
    const why = first ? `first: document ${first.documentId}, event #${first.seq}: ${first.reason}` : `${audit.checkpoint?.reason ?? ''}`;
    return { ...audit, ok: false, code: 'CHAIN_BROKEN', message: `${audit.broken.length} broken chain(s) in ${checked}; ${why}.` };
  },
};
