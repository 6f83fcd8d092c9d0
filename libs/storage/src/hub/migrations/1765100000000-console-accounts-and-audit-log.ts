import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Named console accounts (administrators and operators, each with their own token, kept only as its
 * SHA-256) and the audit log of what every account did: append-only (a trigger refuses UPDATE,
 * DELETE and TRUNCATE) and hash-chained (each row carries the hash of the one before).
 */
export class ConsoleAccountsAndAuditLog1765100000000 implements MigrationInterface {
  name = 'ConsoleAccountsAndAuditLog1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE console_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'operator')),
        token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        revoked_by text
      );
      -- A name belongs to one account that is not revoked; a revoked name may be given out again.
      CREATE UNIQUE INDEX console_accounts_live_name ON console_accounts (name) WHERE revoked_at IS NULL;

      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        actor_id text,
        actor_name text NOT NULL,
        actor_role text NOT NULL,
        action text NOT NULL,
        target text,
        before jsonb,
        after jsonb,
        prev_hash text NOT NULL,
        hash text NOT NULL UNIQUE
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX audit_log_action ON audit_log (action, id);
      CREATE INDEX audit_log_actor ON audit_log (actor_name, id);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP; END $$;
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log, console_accounts; DROP FUNCTION audit_log_append_only;');
  }
}
