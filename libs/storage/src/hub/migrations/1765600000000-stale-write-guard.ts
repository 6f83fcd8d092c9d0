import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `edx_require(ok)` fails the statement it is part of (SQLSTATE EDX01) when `ok` is false. The hub
 * applies a batch of statuses in one statement that moves each document's chain head only from the
 * head it read; when another writer moved a head (or a status turned out to be a duplicate) the
 * statement calls this, everything it wrote is undone, and the hub applies the batch the locking way.
 */
export class StaleWriteGuard1765600000000 implements MigrationInterface {
  name = 'StaleWriteGuard1765600000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION edx_require(ok boolean) RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        IF ok IS NOT TRUE THEN RAISE EXCEPTION 'a document moved on since it was read' USING ERRCODE = 'EDX01'; END IF;
        RETURN ok;
      END $$`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION edx_require(boolean)');
  }
}
