import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A row the broker keeps refusing waits longer before each attempt (next_attempt_at) and, after a
 * bounded number of attempts, is parked (parked_at): visible to the DMS and operators, and never
 * claimed again ahead of the rows behind it.
 */
export class OutboxBackoffAndParking1764600000002 implements MigrationInterface {
  name = 'OutboxBackoffAndParking1764600000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN next_attempt_at timestamptz, ADD COLUMN parked_at timestamptz');
    await q.query('DROP INDEX outbox_pending');
    await q.query('CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL AND parked_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX outbox_pending');
    await q.query('CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL');
    await q.query('ALTER TABLE outbox DROP COLUMN next_attempt_at, DROP COLUMN parked_at');
  }
}
