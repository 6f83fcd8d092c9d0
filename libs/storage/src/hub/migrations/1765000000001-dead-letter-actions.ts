import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead-letter replay and discard: each dead letter has a state (open, replaying, replayed,
 * discarded), and every operator action is kept with who asked, when, why and what came of it.
 */
export class DeadLetterActions1765000000001 implements MigrationInterface {
  name = 'DeadLetterActions1765000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letters ADD COLUMN state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'replaying', 'replayed', 'discarded'))`);
    await q.query(`
      CREATE TABLE dead_letter_actions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        dead_letter_id bigint NOT NULL REFERENCES dead_letters (id),
        action text NOT NULL CHECK (action IN ('replay', 'discard')),
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        reason text,
        outcome text NOT NULL CHECK (outcome IN ('pending', 'accepted', 'sent', 'refused', 'discarded')),
        outcome_code text,
        outcome_detail text,
        done_at timestamptz
      );
      CREATE INDEX dead_letter_actions_dead_letter ON dead_letter_actions (dead_letter_id);
      CREATE INDEX dead_letter_actions_pending ON dead_letter_actions (id) WHERE outcome = 'pending';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dead_letter_actions');
    await q.query('ALTER TABLE dead_letters DROP COLUMN state');
  }
}
