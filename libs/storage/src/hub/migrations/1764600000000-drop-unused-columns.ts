import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Nothing ever wrote agencies.legacy_code or dead_letters.replayed_at. Codes with history and
 * dead-letter replay need more than one column each (successors, dates; who replayed, the outcome):
 * they come with their own tables when they are built.
 */
export class DropUnusedColumns1764600000000 implements MigrationInterface {
  name = 'DropUnusedColumns1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE agencies DROP COLUMN legacy_code');
    await q.query('ALTER TABLE dead_letters DROP COLUMN replayed_at');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dead_letters ADD COLUMN replayed_at timestamptz');
    await q.query('ALTER TABLE agencies ADD COLUMN legacy_code text');
  }
}
