import { ConsumerOptions, Topology } from '@edx/messaging';
import { HubSettings } from './hub.env';

/** The hub's message patterns: each names a queue the hub consumes (AmqpBatchTransport routes). */
export const HubRoutes = {
  inbound: Topology.hubInboundQueue,
  deadLetters: Topology.deadQueue,
} as const;

export function hubRoutes(settings: HubSettings): Record<string, ConsumerOptions> {
  return {
    [HubRoutes.inbound]: { queue: Topology.hubInboundQueue, prefetch: settings.prefetch, batch: settings.batch },
    [HubRoutes.deadLetters]: { queue: Topology.deadQueue, prefetch: 100, batch: { maxSize: 50, maxWaitMs: 20 } },
  };
}
