import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The code a document or status was addressed to when the hub routed it to that code's successor
 * (a retired code): on a received document, the code the sender wrote; on a received status, the
 * recipient code the sender addressed, which the successor now answers for.
 */
export class AddressedTo1765300001901 implements MigrationInterface {
  name = 'AddressedTo1765300001901';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE incoming_documents ADD COLUMN addressed_to text; ALTER TABLE status_records ADD COLUMN addressed_to text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE incoming_documents DROP COLUMN addressed_to; ALTER TABLE status_records DROP COLUMN addressed_to');
  }
}
