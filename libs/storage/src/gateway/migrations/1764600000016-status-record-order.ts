import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order statuses were recorded in. Statuses received in one batch share their time, and the
 * delivery state a view shows is the fold of a recipient's statuses in recording order.
 */
export class StatusRecordOrder1764600000016 implements MigrationInterface {
  name = 'StatusRecordOrder1764600000016';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE status_records ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE status_records DROP COLUMN seq');
  }
}
