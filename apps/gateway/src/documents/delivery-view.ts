import { DeliveryState, foldDeliveryState } from '@edx/edxml';

/** A status as the document view lists it. */
export interface TimelineEntry {
  readonly direction: 'in' | 'out';
  readonly from: string;
  readonly statusCode: string;
  readonly description: string;
  readonly at: Date;
  /** The recipient code the sender addressed, when `from` is that code's successor. */
  readonly addressedTo?: string;
}

/** Where the document stands with one recipient: its furthest state and every status beside it. */
export interface RecipientView {
  readonly organId: string;
  readonly state: DeliveryState;
  /** The status that brought the delivery to `state` (null while still routed). */
  readonly statusCode: string | null;
  readonly description: string | null;
  readonly at: Date | null;
  readonly history: ReadonlyArray<{ statusCode: string; description: string; at: Date; moved: boolean }>;
}

/**
 * A recipient's statuses (in the order they were recorded) folded through the one delivery state
 * machine the hub uses (libs/edxml delivery-state.ts): a late 01 after 03 or a repeated 03 is listed
 * in the history but never moves the state back.
 */
export function recipientView(organId: string, statuses: readonly TimelineEntry[]): RecipientView {
  const { state, movedBy, history } = foldDeliveryState(statuses);
  return {
    organId,
    state,
    statusCode: movedBy?.statusCode ?? null,
    description: movedBy?.description ?? null,
    at: movedBy?.at ?? null,
    history: history.map(({ status, moved }) => ({ statusCode: status.statusCode, description: status.description, at: status.at, moved })),
  };
}
