import { ConsumerOptions, InboundMessage, Topology, aboutPackage } from '@edx/messaging';
import { HubSettings } from './hub.env';

/** The hub's message patterns: each names a queue the hub consumes (AmqpBatchTransport routes). */
export const HubRoutes = {
  inbound: Topology.hubInboundQueue,
  deadLetters: Topology.deadQueue,
} as const;

/**
 * What one connected system says about one document is handled in the order it said it (a recall
 * after its package, a recipient's 03 after its 01); other systems and other documents pass.
 */
const inboundOrder = (m: InboundMessage): string => `${aboutPackage(m) ?? m.messageId ?? ''}|${m.userId ?? ''}`;

export function hubRoutes(settings: HubSettings): Record<string, ConsumerOptions> {
  return {
    [HubRoutes.inbound]: { queue: Topology.hubInboundQueue, prefetch: settings.prefetch, batch: settings.batch, orderKey: inboundOrder },
    [HubRoutes.deadLetters]: { queue: Topology.deadQueue, prefetch: 100, batch: { maxSize: 50, maxWaitMs: 20 } },
  };
}
