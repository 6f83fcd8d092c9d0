import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The chain head anchored outside the table it protects: the hub's signed checkpoints (published to
 * every gateway, which keeps them), the chain head of every document each one covered, how far each
 * document's chain is covered, and the operators' requests for a checkpoint now.
 */
export class ChainCheckpoints1765100000001 implements MigrationInterface {
  name = 'ChainCheckpoints1765100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE documents ADD COLUMN checkpointed_count integer NOT NULL DEFAULT 0;
      CREATE TABLE chain_checkpoints (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        documents integer NOT NULL,
        events bigint NOT NULL,
        head text NOT NULL,
        token text NOT NULL,
        published_at timestamptz
      );
      CREATE INDEX chain_checkpoints_unpublished ON chain_checkpoints (seq) WHERE published_at IS NULL;
      CREATE TABLE checkpoint_entries (
        checkpoint_seq bigint NOT NULL REFERENCES chain_checkpoints (seq),
        document_id uuid NOT NULL REFERENCES documents (id),
        event_count integer NOT NULL,
        event_hash text NOT NULL,
        PRIMARY KEY (checkpoint_seq, document_id)
      );
      CREATE TABLE checkpoint_requests (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        checkpoint_seq bigint REFERENCES chain_checkpoints (seq)
      );
      CREATE INDEX checkpoint_requests_pending ON checkpoint_requests (id) WHERE checkpoint_seq IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE checkpoint_requests, checkpoint_entries, chain_checkpoints; ALTER TABLE documents DROP COLUMN checkpointed_count');
  }
}
