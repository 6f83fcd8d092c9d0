import { MigrationInterface, QueryRunner } from 'typeorm';
import { Columns, setColumnStorage } from '../../shared/column-storage';

/**
 * The claim-check store: large attachments are kept once, content-addressed by the SHA-256 of their
 * bytes, in 1 MiB rows (a bytea of a few GiB would be read whole). A blob row exists only once all its
 * chunks are written: an upload writes chunks and its blob row in one transaction. Chunks are PDFs,
 * zips and scans, which pglz cannot shrink: stored EXTERNAL, uncompressed. `blob_uploads` records
 * every system that uploaded a blob (the bytes are kept once, but each uploader proved it holds
 * them), and `document_blobs` which accepted documents name a blob: their sender's and recipients'
 * systems may read it.
 */
export const BLOB_COLUMNS: Columns = [['blob_chunks', 'bytes']];

export class BlobStore1765500000000 implements MigrationInterface {
  name = 'BlobStore1765500000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE blob_chunks (
      upload_id uuid NOT NULL,
      seq integer NOT NULL,
      bytes bytea NOT NULL,
      PRIMARY KEY (upload_id, seq))`);
    await setColumnStorage(q, BLOB_COLUMNS, 'EXTERNAL');
    await q.query(`CREATE TABLE blobs (
      sha256 char(64) PRIMARY KEY,
      size bigint NOT NULL,
      chunk_bytes integer NOT NULL,
      upload_id uuid NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE blob_uploads (
      sha256 char(64) NOT NULL,
      system_id text NOT NULL,
      first_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (sha256, system_id))`);
    await q.query(`CREATE TABLE document_blobs (
      document_id uuid NOT NULL,
      sha256 char(64) NOT NULL,
      PRIMARY KEY (document_id, sha256))`);
    await q.query('CREATE INDEX document_blobs_sha256 ON document_blobs (sha256)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE document_blobs');
    await q.query('DROP TABLE blob_uploads');
    await q.query('DROP TABLE blobs');
    await q.query('DROP TABLE blob_chunks');
  }
}
