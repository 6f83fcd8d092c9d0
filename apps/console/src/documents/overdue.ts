/**
 * When a delivery is overdue (an alarm): no 01 (arrived) within `arrivalWithinMs` of the hub routing
 * it, or the document's DueDate passed before the recipient answered 06 (completed). A delivery that
 * was rejected or recalled is finished, never overdue.
 */
export interface OverduePolicy {
  readonly arrivalWithinMs: number;
}

export const FINISHED_STATES = ['completed', 'rejected', 'recalled'] as const;

/**
 * The SQL condition "delivery `d` of document `doc` is overdue at $now", where `now` and the arrival
 * limit in milliseconds are parameters $nowParam and $limitParam. The one definition that the search,
 * the alarms and the metrics share.
 */
export function overdueSql(nowParam: number, limitParam: number): string {
  return `((d.state = 'routed' AND doc.received_at < $${nowParam}::timestamptz - ($${limitParam}::bigint * interval '1 millisecond'))
    OR (doc.due_date IS NOT NULL AND doc.due_date < $${nowParam}::timestamptz AND d.state NOT IN ('completed', 'rejected', 'recalled')))`;
}

/** Why one delivery is overdue, or undefined (the same rule as overdueSql, for one row in hand). */
export function overdueReason(
  delivery: { state: string },
  document: { receivedAt: Date; dueDate: Date | null },
  now: Date,
  policy: OverduePolicy,
): string | undefined {
  if (delivery.state === 'routed' && document.receivedAt.getTime() < now.getTime() - policy.arrivalWithinMs) {
    return `no 01 (arrived) within ${Math.round(policy.arrivalWithinMs / 60000)} min of routing`;
  }
  if (document.dueDate && document.dueDate < now && !(FINISHED_STATES as readonly string[]).includes(delivery.state)) {
    return `due ${document.dueDate.toISOString().slice(0, 10)} and not completed (06)`;
  }
  return undefined;
}
