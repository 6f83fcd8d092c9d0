import { ConsumerOptions, InboundMessage, Topology, aboutPackage } from '@edx/messaging';
import { GatewayConfig } from '@edx/common';
import { GatewaySettings } from './gateway.env';

/** The gateway's message pattern: its connected system's inbox (AmqpBatchTransport routes). */
export const GatewayRoutes = {
  inbox: 'system.inbox',
} as const;

/** One agency's messages about one document are handled in the order they came; the copy for another agency passes. */
const inboxOrder = (m: InboundMessage): string => `${aboutPackage(m) ?? m.type ?? ''}|${m.routingKey}`;

export function gatewayRoutes(settings: GatewaySettings, config: GatewayConfig): Record<string, ConsumerOptions> {
  // A connected system may not write to edx.dead: what it cannot handle, the broker dead-letters.
  return { [GatewayRoutes.inbox]: { queue: Topology.systemInbox(config.systemId), prefetch: settings.prefetch, batch: settings.batch, deadLetterBy: 'reject', orderKey: inboxOrder } };
}
