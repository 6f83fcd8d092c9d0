import type { StageClock } from '@edx/common';
import { aboutPackage } from './about-package';
import type { InboundMessage } from './consumer';

/**
 * Marks a batch for the bench's --stages: `<who>:package-<stage>` for each package (its id) and
 * `<who>:status-<stage>` for each status, by the package it is filed under (its header), so one
 * document's marks line up across processes.
 */
export function markStages(clock: StageClock, who: string, stage: string, messages: readonly InboundMessage[]): void {
  if (!clock.enabled) return;
  clock.mark(`${who}:package-${stage}`, messages.filter((m) => m.type === 'package').map(aboutPackage));
  clock.mark(`${who}:status-${stage}`, messages.filter((m) => m.type === 'status').map(aboutPackage));
}
