import { StatusHeaders } from '../topology/topology';
import type { InboundMessage } from './consumer';

/**
 * The package a message is about: a package's own id, a status's package-id header (AMQP may hand
 * a long string over as bytes). Undefined for other messages or a status without the header.
 */
export function aboutPackage(message: Pick<InboundMessage, 'type' | 'messageId' | 'headers'>): string | undefined {
  if (message.type === 'package') return message.messageId;
  if (message.type !== 'status') return undefined;
  const header = message.headers[StatusHeaders.packageId];
  if (typeof header === 'string') return header;
  return Buffer.isBuffer(header) ? header.toString('utf8') : undefined;
}
