import { ConsumerOptions, Topology } from '@edx/messaging';
import { GatewayConfig } from '@edx/common';
import { GatewaySettings } from './gateway.env';

/** The gateway's message pattern: its connected system's inbox (AmqpBatchTransport routes). */
export const GatewayRoutes = {
  inbox: 'system.inbox',
} as const;

export function gatewayRoutes(settings: GatewaySettings, config: GatewayConfig): Record<string, ConsumerOptions> {
  // A connected system may not write to edx.dead: what it cannot handle, the broker dead-letters.
  return { [GatewayRoutes.inbox]: { queue: Topology.systemInbox(config.systemId), prefetch: settings.prefetch, batch: settings.batch, deadLetterBy: 'reject' } };
}
