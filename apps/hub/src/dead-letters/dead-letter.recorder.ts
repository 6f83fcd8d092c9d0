import { DataSource } from 'typeorm';
import { InboundMessage, Outcome } from '@edx/messaging';
import { asStorageError } from '@edx/storage';

const header = (m: InboundMessage, name: string): string | null => {
  const value = m.headers[name];
  return value === undefined || value === null ? null : String(value);
};

/**
 * Consumes edx.dead and keeps every dead letter in the database with its reason, where the console
 * lists them and an operator replays them. A message the broker dead-lettered on its own (delivery
 * limit reached: it kept crashing consumers) is recorded with the broker's reason.
 */
export class DeadLetterRecorder {
  constructor(private readonly dataSource: DataSource) {}

  async handle(messages: InboundMessage[]): Promise<Outcome[]> {
    const rows = messages.map((m) => {
      const death = Array.isArray(m.headers['x-death']) ? (m.headers['x-death'] as Array<Record<string, unknown>>)[0] : undefined;
      return [
        m.messageId ?? null,
        header(m, 'x-edx-source-queue') ?? String(death?.queue ?? 'unknown'),
        m.type ?? null,
        m.userId ?? null,
        header(m, 'x-edx-error-code') ?? 'INTERNAL_ERROR',
        header(m, 'x-edx-error-reason') ?? `Dead-lettered by the broker (${String(death?.reason ?? 'unknown reason')}) after ${String(death?.count ?? '?')} attempts.`,
        m.body,
        JSON.stringify(m.headers, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
        new Date(),
      ];
    });
    try {
      const values = rows.map((_, r) => `(${Array.from({ length: 9 }, (_, c) => `$${r * 9 + c + 1}`).join(',')})`).join(',');
      await this.dataSource.query(
        `INSERT INTO dead_letters (message_id, source_queue, message_type, user_id, code, reason, body, headers, failed_at) VALUES ${values}`,
        rows.flat(),
      );
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
    return messages.map(() => Outcome.ack());
  }
}
