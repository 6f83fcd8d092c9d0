import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Enrolment of connected systems: the one-time token an administrator hands to the gateway's
 * operator (its SHA-256 only, with its expiry), the key the gateway proved it holds when it redeemed
 * it (so a re-run of the same enrolment is recognised and another machine's is refused), and the
 * system's own console token (SHA-256), with which its gateway reads the agencies it hosts. Each
 * enrolment by a new key gets a broker user of its own (`system.<id>.<generation>`), so a transport
 * certificate of an earlier enrolment names a user that no longer exists.
 */
export class SystemEnrolment1765300000000 implements MigrationInterface {
  name = 'SystemEnrolment1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE connected_systems
        ADD COLUMN enrolment_token_sha256 text UNIQUE,
        ADD COLUMN enrolment_expires_at timestamptz,
        ADD COLUMN enrolled_at timestamptz,
        ADD COLUMN enrolled_key_sha256 text,
        ADD COLUMN console_token_sha256 text UNIQUE,
        ADD COLUMN broker_generation integer NOT NULL DEFAULT 0;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE connected_systems DROP COLUMN enrolment_token_sha256, DROP COLUMN enrolment_expires_at,
        DROP COLUMN enrolled_at, DROP COLUMN enrolled_key_sha256, DROP COLUMN console_token_sha256, DROP COLUMN broker_generation;
    `);
  }
}
