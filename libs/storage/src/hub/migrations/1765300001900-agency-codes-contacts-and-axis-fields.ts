import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The directory's remaining fields: an agency's contacts (person, e-mail, phone, address); the
 * national axis's agency-list fields (its `id` in that list, the QĐ 20/2020 `code102`, the
 * `oldCode`); a code's retirement (`successor_code`, `retired_at`, and one history row per event);
 * and, on a delivery, the code the sender addressed when the hub routed it to that code's successor.
 */
export class AgencyCodesContactsAndAxisFields1765300001900 implements MigrationInterface {
  name = 'AgencyCodesContactsAndAxisFields1765300001900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE agencies
        ADD COLUMN contact_person text, ADD COLUMN mail text, ADD COLUMN phone text, ADD COLUMN address text,
        ADD COLUMN axis_id text, ADD COLUMN code102 text, ADD COLUMN old_code text,
        ADD COLUMN successor_code text REFERENCES agencies (code), ADD COLUMN retired_at timestamptz,
        ADD CONSTRAINT agencies_not_own_successor CHECK (successor_code IS NULL OR successor_code <> code);
      CREATE UNIQUE INDEX agencies_axis_id ON agencies (axis_id) WHERE axis_id IS NOT NULL;
      CREATE INDEX agencies_successor_code ON agencies (successor_code);
      CREATE TABLE agency_code_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code text NOT NULL REFERENCES agencies (code),
        kind text NOT NULL CHECK (kind IN ('retired', 'renamed', 'merged')),
        successor_code text REFERENCES agencies (code),
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL
      );
      CREATE INDEX agency_code_history_code ON agency_code_history (code);
      CREATE INDEX agency_code_history_successor ON agency_code_history (successor_code);
      ALTER TABLE deliveries ADD COLUMN addressed_to text;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries DROP COLUMN addressed_to;
      DROP TABLE agency_code_history;
      DROP INDEX agencies_axis_id;
      ALTER TABLE agencies DROP CONSTRAINT agencies_not_own_successor,
        DROP COLUMN contact_person, DROP COLUMN mail, DROP COLUMN phone, DROP COLUMN address,
        DROP COLUMN axis_id, DROP COLUMN code102, DROP COLUMN old_code, DROP COLUMN successor_code, DROP COLUMN retired_at;
    `);
  }
}
