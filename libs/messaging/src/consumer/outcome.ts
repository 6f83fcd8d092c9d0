import type { ErrorCode } from '@edx/common';

/** What a handler decided for one message. Handlers return outcomes; they do not throw on purpose. */
export type Outcome =
  | { kind: 'ack' }
  | { kind: 'retry'; reason: string; delayMs?: number; dependencyDown?: boolean }
  | { kind: 'dead-letter'; code: ErrorCode; reason: string };

export const Outcome = {
  /** The effect is committed: remove the message. */
  ack(): Outcome {
    return { kind: 'ack' };
  },
  /**
   * Transient failure: keep the message (unacked, so its delivery count is untouched) and hand it to
   * the handler again after `delayMs` (default: backoff by attempt).
   */
  retry(reason: string, delayMs?: number): Outcome {
    return delayMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, delayMs };
  },
  /** A dependency every message needs (database, broker) is away: retry, and stop fetching until it is back. */
  dependencyDown(reason: string): Outcome {
    return { kind: 'retry', reason, dependencyDown: true };
  },
  /** Permanent failure: copy it to edx.dead with the code and reason, then remove it. */
  deadLetter(code: ErrorCode, reason: string): Outcome {
    return { kind: 'dead-letter', code, reason };
  },
};

/** Headers a dead letter carries (besides the original headers). */
export const DeadLetterHeaders = {
  code: 'x-edx-error-code',
  reason: 'x-edx-error-reason',
  sourceQueue: 'x-edx-source-queue',
  failedAt: 'x-edx-failed-at',
  /** The original AMQP user_id (the property itself can only name the publishing connection's user). */
  originalUserId: 'x-edx-original-user-id',
  originalRoutingKey: 'x-edx-original-routing-key',
  originalExchange: 'x-edx-original-exchange',
} as const;
