import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a proof of delivery needs that the hub did not keep: the package bytes exactly as it
 * delivered them (its receipt attestation is about these bytes; the attestation itself is recorded
 * in the document's `received` event), and the signed bytes of every status it accepted (before
 * this, only their parsed fields were kept, so older statuses have no signed copy).
 */
export class ProofRecords1765000000002 implements MigrationInterface {
  name = 'ProofRecords1765000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE delivered_packages (
        document_id uuid PRIMARY KEY REFERENCES documents (id),
        body bytea NOT NULL
      );
      CREATE TABLE signed_statuses (
        message_id text NOT NULL,
        -- Statuses are deduplicated per author: two authors may use one message id (see statusKey).
        author text NOT NULL,
        document_id uuid NOT NULL REFERENCES documents (id),
        body bytea NOT NULL,
        PRIMARY KEY (message_id, author)
      );
      CREATE INDEX signed_statuses_document ON signed_statuses (document_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE signed_statuses, delivered_packages');
  }
}
