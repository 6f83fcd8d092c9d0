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

/**
 * How far each state is. A rejection (02) stands only until the recipient accepts (03 and later move
 * past it); a recall agreement (15) ends everything.
 */
const RANK: Readonly<Record<DeliveryState, number>> = {
  routed: 1,
  arrived: 2,
  rejected: 3,
  accepted: 4,
  assigned: 5,
  processing: 6,
  completed: 7,
  recalled: 8,
};

/**
 * The next state of a delivery after a status, or the current one when the status may not move it:
 * statuses only move forward; a late or repeated status is recorded but never moves it back (an 02
 * after acceptance, a 01 after 03, anything after a recall). The next state is the further of the
 * two, so the order statuses arrive in does not change where they lead: the hub and every gateway,
 * which may see one author's statuses in different orders (batches are handled concurrently), end
 * in the same state.
 */
export function nextDeliveryState(current: DeliveryState, statusCode: string): DeliveryState {
  const target = STATE_BY_STATUS[statusCode];
  return target && RANK[target] > RANK[current] ? target : current;
}

/** One status of a delivery's history, and whether it moved the delivery. */
export interface DeliveryStep<S extends { readonly statusCode: string }> {
  readonly status: S;
  readonly moved: boolean;
  readonly state: DeliveryState;
}

/**
 * Folds a recipient's statuses, in the order they were recorded, from `routed`: the furthest state
 * they reach under nextDeliveryState (the same in any order), the first status that brought it there
 * (none while still routed), and every status with whether it moved the delivery.
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
