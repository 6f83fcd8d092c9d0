import { MigrationInterface, QueryRunner } from 'typeorm';
import { Columns, setColumnStorage } from '../../shared/column-storage';

/** As the hub's (HubPackageStorageExternal): package and status bytes out of line, uncompressed. */
export const GATEWAY_PACKAGE_COLUMNS: Columns = [
  ['outgoing_documents', 'package'],
  ['incoming_documents', 'package'],
  ['outbox', 'body'],
];

export class GatewayPackageStorageExternal1765400000001 implements MigrationInterface {
  name = 'GatewayPackageStorageExternal1765400000001';
  up = (q: QueryRunner) => setColumnStorage(q, GATEWAY_PACKAGE_COLUMNS, 'EXTERNAL');
  down = (q: QueryRunner) => setColumnStorage(q, GATEWAY_PACKAGE_COLUMNS, 'EXTENDED');
}
