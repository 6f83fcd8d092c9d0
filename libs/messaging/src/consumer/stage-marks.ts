import type { StageClock } from '@edx/common';
import { StatusHeaders } from '../topology/topology';
import type { InboundMessage } from './consumer';

/**
 * Marks a batch for the bench's --stages: `<who>:package-<stage>` for each package (its id) and
 * `<who>:status-<stage>` for each status, by the package it is filed under (its header), so one
 * document's marks line up across processes.
 */
export function markStages(clock: StageClock, who: string, stage: string, messages: readonly InboundMessage[]): void {
  if (!clock.enabled) return;
  clock.mark(`${who}:package-${stage}`, messages.filter((m) => m.type === 'package').map((m) => m.messageId));
  clock.mark(`${who}:status-${stage}`, messages.filter((m) => m.type === 'status').map((m) => packageIdOf(m.headers[StatusHeaders.packageId])));
}

function packageIdOf(header: unknown): string | undefined {
  if (typeof header === 'string') return header;
  return Buffer.isBuffer(header) ? header.toString('utf8') : undefined;
}
