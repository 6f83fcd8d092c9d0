import { MigrationInterface, QueryRunner } from 'typeorm';

export class GatewayInitial1700000000000 implements MigrationInterface {
  name = 'GatewayInitial1700000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outgoing_documents (
        id uuid PRIMARY KEY,
        agency_code text NOT NULL,
        edxml_document_id text NOT NULL,
        subject text NOT NULL,
        recipients text[] NOT NULL,
        package bytea NOT NULL,
        sha256 text NOT NULL,
        created_at timestamptz NOT NULL,
        published_at timestamptz
      );
      CREATE INDEX outgoing_documents_agency ON outgoing_documents (agency_code, created_at);
      CREATE TABLE incoming_documents (
        package_id uuid NOT NULL,
        recipient_code text NOT NULL,
        sender_code text NOT NULL,
        edxml_document_id text NOT NULL,
        subject text NOT NULL,
        package bytea NOT NULL,
        sha256 text NOT NULL,
        verdict text NOT NULL CHECK (verdict IN ('arrived', 'rejected')),
        reject_code text,
        reject_reason text,
        received_at timestamptz NOT NULL,
        fetched_at timestamptz,
        PRIMARY KEY (package_id, recipient_code)
      );
      CREATE INDEX incoming_documents_inbox ON incoming_documents (recipient_code, received_at);
      CREATE TABLE status_records (
        id uuid PRIMARY KEY,
        package_id uuid NOT NULL,
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        agency_code text NOT NULL,
        from_code text NOT NULL,
        status_code text NOT NULL,
        description text NOT NULL,
        at timestamptz NOT NULL
      );
      CREATE INDEX status_records_package ON status_records (package_id, at);
      CREATE INDEX status_records_agency ON status_records (agency_code);
      CREATE TABLE outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id uuid NOT NULL,
        type text NOT NULL CHECK (type IN ('package', 'status')),
        routing_key text NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        body bytea,
        document_id uuid REFERENCES outgoing_documents (id),
        created_at timestamptz NOT NULL,
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        CHECK (body IS NOT NULL OR document_id IS NOT NULL)
      );
      CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox, status_records, incoming_documents, outgoing_documents');
  }
}
