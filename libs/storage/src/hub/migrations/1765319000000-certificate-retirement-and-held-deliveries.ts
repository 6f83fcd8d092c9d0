import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a signing certificate was retired (the hub refuses it from then on), and deliveries the hub
 * holds for a suspended recipient (EDX_SUSPENDED_RECIPIENT=hold): `held_since` set means the copy is
 * recorded (delivered_packages) but not yet published; the hub publishes it when the recipient is
 * active again and clears it. A partial index keeps that lookup cheap however many deliveries exist.
 */
export class CertificateRetirementAndHeldDeliveries1765319000000 implements MigrationInterface {
  name = 'CertificateRetirementAndHeldDeliveries1765319000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE agency_certificates ADD COLUMN retired_at timestamptz;
      ALTER TABLE deliveries ADD COLUMN held_since timestamptz;
      CREATE INDEX deliveries_held ON deliveries (recipient_code) WHERE held_since IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX deliveries_held; ALTER TABLE deliveries DROP COLUMN held_since; ALTER TABLE agency_certificates DROP COLUMN retired_at');
  }
}
