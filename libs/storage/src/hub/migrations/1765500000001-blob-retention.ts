import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Blobs no accepted document names (its package was refused, or never sent) are swept after a
 * while: `last_uploaded_at` says when someone last uploaded the bytes (an upload of bytes already
 * held refreshes it, so a sweep never takes what a package on its way is about to name), and the
 * foreign key makes a document naming a blob and the sweep of that blob exclude each other.
 */
export class BlobRetention1765500000001 implements MigrationInterface {
  name = 'BlobRetention1765500000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE blobs ADD COLUMN last_uploaded_at timestamptz NOT NULL DEFAULT now()');
    await q.query('ALTER TABLE document_blobs ADD CONSTRAINT document_blobs_blob FOREIGN KEY (sha256) REFERENCES blobs (sha256)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE document_blobs DROP CONSTRAINT document_blobs_blob');
    await q.query('ALTER TABLE blobs DROP COLUMN last_uploaded_at');
  }
}
