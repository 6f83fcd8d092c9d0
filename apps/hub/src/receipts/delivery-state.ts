import type { DeliveryState } from '@edx/storage';

/** Where each business status code moves a delivery (docs/edxml.md, "Status codes"). */
const STATE_BY_STATUS: Readonly<Record<string, DeliveryState>> = {
  '01': 'arrived',
  '02': 'rejected',
  '03': 'accepted',
  '04': 'assigned',
  '05': 'processing',
  '06': 'completed',
  '15': 'recalled',
};

const RANK: Readonly<Record<DeliveryState, number>> = {
  routed: 1,
  arrived: 2,
  accepted: 3,
  assigned: 4,
  processing: 5,
  completed: 6,
  rejected: 7,
  recalled: 8,
};

const TERMINAL: ReadonlySet<DeliveryState> = new Set(['rejected', 'recalled']);

/**
 * The next state of a delivery after a status, or the current one when the status may not move it:
 * statuses only move forward; a late or repeated status is recorded but never moves it back.
 * Rejection is possible only before acceptance; a recall agreement (15) ends any live delivery.
 */
export function nextDeliveryState(current: DeliveryState, statusCode: string): DeliveryState {
  const target = STATE_BY_STATUS[statusCode];
  if (!target || TERMINAL.has(current)) return current;
  if (target === 'rejected') return RANK[current] <= RANK.arrived ? 'rejected' : current;
  if (target === 'recalled') return 'recalled';
  return RANK[target] > RANK[current] ? target : current;
}

export function stateForStatus(statusCode: string): DeliveryState | undefined {
  return STATE_BY_STATUS[statusCode];
}
