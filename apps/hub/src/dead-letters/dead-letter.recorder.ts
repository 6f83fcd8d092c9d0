import { DataSource } from 'typeorm';
import { ErrorCode } from '@edx/common';
import { DeadLetterHeaders, InboundMessage, Outcome } from '@edx/messaging';
import { DeadLetterOrigin, asStorageError, isConnectionError, sqlValues } from '@edx/storage';
import { sanitizedHeaders, sanitizedText } from './header-sanitiser';

/** What a dead letter says about itself, after deciding how much of it to believe. */
interface DeadLetterRow {
  readonly messageId: string | null;
  readonly sourceQueue: string;
  readonly messageType: string | null;
  readonly userId: string | null;
  readonly code: ErrorCode;
  readonly reason: string;
  readonly body: Buffer;
  readonly headers: string;
  readonly origin: DeadLetterOrigin;
}

/** Why the broker dead-lettered a message (x-death reason), as a stable code. */
const BROKER_REASONS: Readonly<Record<string, ErrorCode>> = {
  rejected: 'MESSAGING_REJECTED',
  delivery_limit: 'MESSAGING_DELIVERY_LIMIT',
};

/**
 * Consumes edx.dead and keeps every dead letter in the database with its reason, where the console
 * lists them and an operator replays them. Who wrote it decides what is believed:
 * - `hub`: published by the hub itself (user_id = the hub's broker user, which the broker checks):
 *   its x-edx-* reason headers are the hub's;
 * - `broker`: dead-lettered by a queue (x-death, written by the broker): the queue and the broker's
 *   reason are believed, x-edx-* headers on it came from the original publisher and are not;
 * - `unverified`: anything else (it cannot happen while connected systems have no write on edx.dead):
 *   kept for inspection, never replayable.
 * Headers are sanitised before storage (jsonb refuses U+0000). A row that still cannot be stored is
 * stored without its headers, so nothing is retried forever for its content.
 */
export class DeadLetterRecorder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hubUser: string,
  ) {}

  /** Resolves with an ack per message once stored; rejects STORAGE_UNAVAILABLE while the database is away. */
  async handle(messages: InboundMessage[]): Promise<Outcome[]> {
    const rows = messages.map((m) => this.rowOf(m));
    try {
      await this.insert(rows);
    } catch (error) {
      if (isConnectionError(error)) throw asStorageError(error, 'The hub database');
      for (const row of rows) await this.insertAlone(row);
    }
    return messages.map(() => Outcome.ack());
  }

  private rowOf(m: InboundMessage): DeadLetterRow {
    const deaths = Array.isArray(m.headers['x-death']) ? (m.headers['x-death'] as Array<Record<string, unknown>>) : [];
    const death = deaths[0];
    const origin: DeadLetterOrigin = death ? 'broker' : m.userId === this.hubUser ? 'hub' : 'unverified';
    const header = (name: string) => (m.headers[name] === undefined || m.headers[name] === null ? undefined : sanitizedText(String(m.headers[name])));
    const base = { messageId: m.messageId ? sanitizedText(m.messageId) : null, messageType: m.type ? sanitizedText(m.type) : null, body: m.body, headers: sanitizedHeaders(m.headers), origin };
    if (origin === 'hub') {
      return {
        ...base,
        sourceQueue: header(DeadLetterHeaders.sourceQueue) ?? 'unknown',
        userId: header(DeadLetterHeaders.originalUserId) ?? null,
        code: (header(DeadLetterHeaders.code) as ErrorCode | undefined) ?? 'INTERNAL_ERROR',
        reason: header(DeadLetterHeaders.reason) ?? 'The hub dead-lettered it without a reason.',
      };
    }
    if (origin === 'broker') {
      const queue = sanitizedText(String(death.queue ?? 'unknown'));
      const why = sanitizedText(String(death.reason ?? 'unknown'));
      return {
        ...base,
        sourceQueue: queue,
        userId: m.userId ? sanitizedText(m.userId) : null,
        code: BROKER_REASONS[why] ?? 'MESSAGING_REJECTED',
        reason:
          why === 'delivery_limit'
            ? `It kept failing its consumers on ${queue} (delivered ${String(death.count ?? '?')} times) and reached the delivery limit.`
            : `The consumer of ${queue} refused it (${why}); the broker dead-lettered it. That consumer's log and its 02 to the sender say why.`,
      };
    }
    return {
      ...base,
      sourceQueue: 'unknown',
      userId: m.userId ? sanitizedText(m.userId) : null,
      code: 'MESSAGING_BAD_MESSAGE',
      reason: `Published straight to edx.dead by ${m.userId ? sanitizedText(m.userId) : 'an unnamed user'}, not by the hub or a queue: kept for inspection, never replayable.`,
    };
  }

  private async insert(rows: readonly DeadLetterRow[]): Promise<void> {
    const values = rows.map((r) => [r.messageId, r.sourceQueue, r.messageType, r.userId, r.code, r.reason.slice(0, 4000), r.body, r.headers, r.origin]);
    await this.dataSource.query(
      `INSERT INTO dead_letters (message_id, source_queue, message_type, user_id, code, reason, body, headers, origin, failed_at) VALUES ${sqlValues(rows.length, 9, 'now()')}`,
      values.flat(),
    );
  }

  /** One row on its own; if its headers are what the database refuses, it is stored without them. */
  private async insertAlone(row: DeadLetterRow): Promise<void> {
    try {
      await this.insert([row]);
    } catch (error) {
      if (isConnectionError(error)) throw asStorageError(error, 'The hub database');
      await this.insert([{ ...row, headers: '{}', reason: `${row.reason} (its headers could not be stored: ${(error as Error).message.slice(0, 200)})` }]).catch((again) => {
        throw asStorageError(again, 'The hub database');
      });
    }
  }
}
