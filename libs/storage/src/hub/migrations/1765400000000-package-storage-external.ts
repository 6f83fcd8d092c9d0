import { MigrationInterface, QueryRunner } from 'typeorm';
import { Columns, setColumnStorage } from '../../shared/column-storage';

/**
 * Package and status bytes are stored out of line without compression: they are mostly base64 of
 * PDFs, which pglz cannot shrink but still spends a quarter of PostgreSQL's CPU trying to. Rows
 * written before keep their compression; PostgreSQL reads both.
 */
export const HUB_PACKAGE_COLUMNS: Columns = [
  ['delivered_packages', 'body'],
  ['signed_statuses', 'body'],
  ['dead_letters', 'body'],
];

export class HubPackageStorageExternal1765400000000 implements MigrationInterface {
  name = 'HubPackageStorageExternal1765400000000';
  up = (q: QueryRunner) => setColumnStorage(q, HUB_PACKAGE_COLUMNS, 'EXTERNAL');
  down = (q: QueryRunner) => setColumnStorage(q, HUB_PACKAGE_COLUMNS, 'EXTENDED');
}
