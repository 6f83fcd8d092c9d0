/**
 * The delivery state machine: where one document stands with one recipient. The hub keeps it per
 * delivery row; a gateway folds the statuses it recorded through the same rule, so both views agree.
 */
export type DeliveryState = 'routed' | 'arrived' | 'rejected' | 'accepted' | 'assigned' | 'processing' | 'completed' | 'recalled';

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

/** One status of a delivery's history, and whether it moved the delivery. */
export interface DeliveryStep<S extends { readonly statusCode: string }> {
  readonly status: S;
  readonly moved: boolean;
  readonly state: DeliveryState;
}

/**
 * Folds a recipient's statuses, in the order they were recorded, from `routed`: the furthest state
 * they reach under nextDeliveryState, the status that brought it there (none while still routed),
 * and every status with whether it moved the delivery.
 */
export function foldDeliveryState<S extends { readonly statusCode: string }>(
  statuses: readonly S[],
): { state: DeliveryState; movedBy?: S; history: Array<DeliveryStep<S>> } {
  let state: DeliveryState = 'routed';
  let movedBy: S | undefined;
  const history: Array<DeliveryStep<S>> = [];
  for (const status of statuses) {
    const next = nextDeliveryState(state, status.statusCode);
    const moved = next !== state;
    if (moved) movedBy = status;
    state = next;
    history.push({ status, moved, state });
  }
  return movedBy ? { state, movedBy, history } : { state, history };
}
