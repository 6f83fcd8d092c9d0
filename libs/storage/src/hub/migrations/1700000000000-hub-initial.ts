import { MigrationInterface, QueryRunner } from 'typeorm';

export class HubInitial1700000000000 implements MigrationInterface {
  name = 'HubInitial1700000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connected_systems (
        id text PRIMARY KEY,
        name text NOT NULL,
        amqp_user text NOT NULL UNIQUE,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE agencies (
        code text PRIMARY KEY,
        name text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        system_id text REFERENCES connected_systems (id),
        legacy_code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX agencies_system ON agencies (system_id);
      CREATE TABLE agency_certificates (
        fingerprint text PRIMARY KEY,
        agency_code text NOT NULL REFERENCES agencies (code),
        pem text NOT NULL,
        serial_number text NOT NULL,
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX agency_certificates_agency ON agency_certificates (agency_code);
      CREATE TABLE trust_material (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('anchor', 'intermediate', 'crl')),
        pem text NOT NULL,
        label text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE documents (
        id uuid PRIMARY KEY,
        edxml_document_id text NOT NULL,
        sender_code text NOT NULL,
        sender_system text NOT NULL,
        subject text NOT NULL,
        code_number text NOT NULL,
        code_notation text NOT NULL,
        business_type smallint NOT NULL,
        sha256 text NOT NULL,
        size bigint NOT NULL,
        received_at timestamptz NOT NULL,
        last_event_hash text NOT NULL,
        event_count integer NOT NULL DEFAULT 0
      );
      CREATE INDEX documents_edxml_document_id ON documents (edxml_document_id);
      CREATE INDEX documents_sender ON documents (sender_code);
      CREATE INDEX documents_received_at ON documents (received_at);
      CREATE TABLE deliveries (
        document_id uuid NOT NULL REFERENCES documents (id),
        recipient_code text NOT NULL,
        state text NOT NULL,
        last_status_code text,
        reason text,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (document_id, recipient_code)
      );
      CREATE INDEX deliveries_state ON deliveries (state);
      CREATE TABLE events (
        id uuid PRIMARY KEY,
        document_id uuid NOT NULL REFERENCES documents (id),
        seq integer NOT NULL,
        recipient_code text,
        type text NOT NULL,
        status_code text,
        actor text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        UNIQUE (document_id, seq)
      );
      CREATE INDEX events_at ON events (at);
      CREATE TABLE dead_letters (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id text,
        source_queue text NOT NULL,
        message_type text,
        user_id text,
        code text NOT NULL,
        reason text NOT NULL,
        body bytea NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        failed_at timestamptz NOT NULL,
        replayed_at timestamptz
      );
      CREATE INDEX dead_letters_message_id ON dead_letters (message_id);
      CREATE INDEX dead_letters_code ON dead_letters (code);
      CREATE INDEX dead_letters_failed_at ON dead_letters (failed_at);
      CREATE TABLE processed_messages (
        message_id text PRIMARY KEY,
        processed_at timestamptz NOT NULL
      );
      -- The event log is append-only: the hub's role may insert, never update or delete.
      CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'events are append-only'; END $$;
      CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION events_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE processed_messages, dead_letters, events, deliveries, documents, trust_material,
        agency_certificates, agencies, connected_systems;
      DROP FUNCTION events_append_only;
    `);
  }
}
