import { DataSource } from 'typeorm';
import { DatabaseOptions, pgOptions } from '../shared/database';
import { IncomingDocumentEntity } from './incoming-document.entity';
import { GatewayInitial1700000000000 } from './migrations/1700000000000-gateway-initial';
import { OutboxBackoffAndParking1764600000002 } from './migrations/1764600000002-outbox-backoff-and-parking';
import { ReceiptAttestation1764600000003 } from './migrations/1764600000003-receipt-attestation';
import { StatusRecordOrder1764600000016 } from './migrations/1764600000016-status-record-order';
import { ChainCheckpoints1765100000002 } from './migrations/1765100000002-chain-checkpoints';
import { AddressedTo1765300001901 } from './migrations/1765300001901-addressed-to';
import { GatewayPackageStorageExternal1765400000001 } from './migrations/1765400000001-package-storage-external';
import { OutboxMessageEntity } from './outbox-message.entity';
import { OutgoingDocumentEntity } from './outgoing-document.entity';
import { ReceivedCheckpointEntity } from './received-checkpoint.entity';
import { StatusRecordEntity } from './status-record.entity';

export * from './incoming-document.entity';
export * from './outbox-message.entity';
export * from './outgoing-document.entity';
export * from './received-checkpoint.entity';
export * from './status-record.entity';

export const GATEWAY_ENTITIES = [OutgoingDocumentEntity, IncomingDocumentEntity, StatusRecordEntity, OutboxMessageEntity, ReceivedCheckpointEntity];

/** A gateway's own database: its outbox, inbox and statuses. */
export function createGatewayDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    ...pgOptions(options),
    entities: GATEWAY_ENTITIES,
    migrations: [GatewayInitial1700000000000, OutboxBackoffAndParking1764600000002, ReceiptAttestation1764600000003, StatusRecordOrder1764600000016, ChainCheckpoints1765100000002, AddressedTo1765300001901, GatewayPackageStorageExternal1765400000001],
  } as never);
}
