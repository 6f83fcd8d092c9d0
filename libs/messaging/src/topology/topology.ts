import type { Channel } from 'amqplib';
import { EdxError } from '@edx/common';

/** Names every app agrees on (see README.md, "AMQP topology"). */
export const Topology = {
  hubExchange: 'edx.hub',
  deliverExchange: 'edx.deliver',
  deadExchange: 'edx.dead',
  hubInboundQueue: 'hub.inbound',
  deadQueue: 'edx.dead',
  /** Routing keys on edx.hub. */
  packageKey: 'package',
  statusKey: 'status',
  systemInbox(systemId: string): string {
    return `system.${assertSystemId(systemId)}.inbox`;
  },
} as const;

/** Headers a status travels with, named once for the hub and the gateways. */
export const StatusHeaders = {
  /** The package id a status is filed under (its envelope signature binds it too). */
  packageId: 'x-edx-package-id',
  /** On the hub's own 02: the recipient it speaks for (the sender's gateway files it as that recipient's). */
  aboutRecipient: 'x-edx-about-recipient',
  /**
   * Set by the hub on what it routed to a retired code's successor: on the package copy, the code the
   * sender addressed; on a status to the sender, the recipient code its author now answers for.
   */
  addressedTo: 'x-edx-addressed-to',
} as const;

/** A message delivered this many times (consumer crashes, retries) is dead-lettered by the broker. */
export const DELIVERY_LIMIT = 20;

const SYSTEM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A connected system's id becomes part of queue and user names: letters, digits, `.`, `_`, `-`. */
export function assertSystemId(systemId: string): string {
  if (!SYSTEM_ID.test(systemId)) {
    throw new EdxError('REQUEST_INVALID', `Invalid connected system id "${systemId}": use letters, digits, ".", "_" or "-".`, {
      systemId,
    });
  }
  return systemId;
}

/**
 * Arguments of every work queue. They must be identical on each redeclare (the broker refuses a
 * mismatch with 406), so they live here only. At-least-once dead-lettering (3.10+) needs
 * `reject-publish` overflow; without it a quorum queue dead-letters at most once.
 */
export const WORK_QUEUE_ARGUMENTS = {
  'x-queue-type': 'quorum',
  'x-dead-letter-exchange': Topology.deadExchange,
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
  'x-delivery-limit': DELIVERY_LIMIT,
} as const;

/** Declares exchanges edx.hub, edx.deliver, edx.dead and queues hub.inbound, edx.dead. Idempotent. */
export async function declareCoreTopology(ch: Channel): Promise<void> {
  await ch.assertExchange(Topology.hubExchange, 'direct', { durable: true });
  await ch.assertExchange(Topology.deliverExchange, 'direct', { durable: true });
  // fanout: every dead letter lands in edx.dead whatever its routing key (the source queue's name).
  await ch.assertExchange(Topology.deadExchange, 'fanout', { durable: true });
  await ch.assertQueue(Topology.deadQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await ch.bindQueue(Topology.deadQueue, Topology.deadExchange, '');
  await ch.assertQueue(Topology.hubInboundQueue, { durable: true, arguments: WORK_QUEUE_ARGUMENTS });
  await ch.bindQueue(Topology.hubInboundQueue, Topology.hubExchange, Topology.packageKey);
  await ch.bindQueue(Topology.hubInboundQueue, Topology.hubExchange, Topology.statusKey);
}

/**
 * Declares `system.<id>.inbox` and binds it to edx.deliver once per hosted agency code. To stop
 * hosting codes, pass them as `removedAgencyCodes` (or call `unbindAgencies`); BrokerAdmin.listBindingKeys
 * tells which codes a queue is bound to now.
 */
export async function declareSystemInbox(
  ch: Channel,
  systemId: string,
  agencyCodes: string[],
  removedAgencyCodes: string[] = [],
): Promise<void> {
  const queue = Topology.systemInbox(systemId);
  await ch.assertQueue(queue, { durable: true, arguments: WORK_QUEUE_ARGUMENTS });
  for (const code of agencyCodes) await ch.bindQueue(queue, Topology.deliverExchange, code);
  await unbindAgencies(ch, systemId, removedAgencyCodes.filter((code) => !agencyCodes.includes(code)));
}

/** Removes agency codes from a system inbox: deliveries to them come back unroutable. Idempotent. */
export async function unbindAgencies(ch: Channel, systemId: string, agencyCodes: string[]): Promise<void> {
  const queue = Topology.systemInbox(systemId);
  for (const code of agencyCodes) await ch.unbindQueue(queue, Topology.deliverExchange, code);
}
