import { MigrationInterface, QueryRunner } from 'typeorm';
import { foldAgencyName } from '../agency-name';

/**
 * The searchable directory: each agency's name folded for accent-insensitive search (computed by
 * `foldAgencyName`, not by the `unaccent` extension, which a managed PostgreSQL may not offer and
 * whose function is not immutable), its parent agency (a hierarchy by code), and an index for code
 * prefixes.
 */
export class AgencyDirectory1765200000000 implements MigrationInterface {
  name = 'AgencyDirectory1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE agencies ADD COLUMN name_folded text, ADD COLUMN parent_code text REFERENCES agencies (code);
      CREATE INDEX agencies_parent_code ON agencies (parent_code);
      CREATE INDEX agencies_code_prefix ON agencies (code text_pattern_ops);
    `);
    const rows: Array<{ code: string; name: string }> = await q.query('SELECT code, name FROM agencies');
    for (const row of rows) await q.query('UPDATE agencies SET name_folded = $2 WHERE code = $1', [row.code, foldAgencyName(row.name)]);
    await q.query('ALTER TABLE agencies ALTER COLUMN name_folded SET NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX agencies_code_prefix; ALTER TABLE agencies DROP COLUMN parent_code, DROP COLUMN name_folded');
  }
}
