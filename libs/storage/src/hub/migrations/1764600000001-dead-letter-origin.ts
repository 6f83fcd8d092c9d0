import { MigrationInterface, QueryRunner } from 'typeorm';

/** Who wrote each dead letter (hub, broker, unverified): only what the hub or a queue wrote is believed and replayable. */
export class DeadLetterOrigin1764600000001 implements MigrationInterface {
  name = 'DeadLetterOrigin1764600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letters ADD COLUMN origin text NOT NULL DEFAULT 'hub' CHECK (origin IN ('hub', 'broker', 'unverified'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dead_letters DROP COLUMN origin');
  }
}
