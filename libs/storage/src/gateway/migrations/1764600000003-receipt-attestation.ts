import { MigrationInterface, QueryRunner } from 'typeorm';

/** The hub's signed receipt attestation of each received package, kept for proofs of delivery. */
export class ReceiptAttestation1764600000003 implements MigrationInterface {
  name = 'ReceiptAttestation1764600000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE incoming_documents ADD COLUMN receipt_attestation text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE incoming_documents DROP COLUMN receipt_attestation');
  }
}
