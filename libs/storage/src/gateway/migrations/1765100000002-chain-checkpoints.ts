import { MigrationInterface, QueryRunner } from 'typeorm';

/** The hub's signed chain checkpoints as this gateway received and verified them: the anchor of the hub's event log outside the hub. */
export class ChainCheckpoints1765100000002 implements MigrationInterface {
  name = 'ChainCheckpoints1765100000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE chain_checkpoints (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        head text NOT NULL,
        token text NOT NULL,
        received_at timestamptz NOT NULL
      )
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE chain_checkpoints');
  }
}
