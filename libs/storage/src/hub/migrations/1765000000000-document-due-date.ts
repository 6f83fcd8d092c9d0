import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A document's DueDate (edXML), so an operator sees deliveries whose due date passed without a 06;
 * and indexes for the console's document search (by recipient, by state per document).
 */
export class DocumentDueDate1765000000000 implements MigrationInterface {
  name = 'DocumentDueDate1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE documents ADD COLUMN due_date timestamptz');
    await q.query('CREATE INDEX documents_due_date ON documents (due_date) WHERE due_date IS NOT NULL');
    await q.query('CREATE INDEX deliveries_recipient ON deliveries (recipient_code)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX deliveries_recipient');
    await q.query('ALTER TABLE documents DROP COLUMN due_date');
  }
}
