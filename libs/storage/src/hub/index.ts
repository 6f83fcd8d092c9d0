import { DataSource } from 'typeorm';
import { DatabaseOptions, pgOptions } from '../shared/database';
import { ChainCheckpointEntity, CheckpointEntryEntity, CheckpointRequestEntity } from './chain-checkpoint.entity';
import { AgencyCertificateEntity } from './agency-certificate.entity';
import { AgencyCodeEventEntity } from './agency-code-event.entity';
import { AgencyEntity } from './agency.entity';
import { ConnectedSystemEntity } from './connected-system.entity';
import { DeadLetterActionEntity } from './dead-letter-action.entity';
import { DeadLetterEntity } from './dead-letter.entity';
import { DeliveryEntity } from './delivery.entity';
import { DocumentEntity } from './document.entity';
import { EventEntity } from './event.entity';
import { HubInitial1700000000000 } from './migrations/1700000000000-hub-initial';
import { DropUnusedColumns1764600000000 } from './migrations/1764600000000-drop-unused-columns';
import { DeadLetterOrigin1764600000001 } from './migrations/1764600000001-dead-letter-origin';
import { DocumentDueDate1765000000000 } from './migrations/1765000000000-document-due-date';
import { DeadLetterActions1765000000001 } from './migrations/1765000000001-dead-letter-actions';
import { ChainCheckpoints1765100000001 } from './migrations/1765100000001-chain-checkpoints';
import { AgencyDirectory1765200000000 } from './migrations/1765200000000-agency-directory';
import { SystemEnrolment1765300000000 } from './migrations/1765300000000-system-enrolment';
import { AgencyCodesContactsAndAxisFields1765300001900 } from './migrations/1765300001900-agency-codes-contacts-and-axis-fields';
import { CertificateRetirementAndHeldDeliveries1765319000000 } from './migrations/1765319000000-certificate-retirement-and-held-deliveries';
import { HubPackageStorageExternal1765400000000 } from './migrations/1765400000000-package-storage-external';
import { BlobStore1765500000000 } from './migrations/1765500000000-blob-store';
import { BlobRetention1765500000001 } from './migrations/1765500000001-blob-retention';
import { StaleWriteGuard1765600000000 } from './migrations/1765600000000-stale-write-guard';
import { ProofRecords1765000000002 } from './migrations/1765000000002-proof-records';
import { ConsoleAccountsAndAuditLog1765100000000 } from './migrations/1765100000000-console-accounts-and-audit-log';
import { ProcessedMessageEntity } from './processed-message.entity';
import { DeliveredPackageEntity, SignedStatusEntity } from './proof-record.entity';
import { TrustMaterialEntity } from './trust-material.entity';

export * from './agency-certificate.entity';
export * from './agency-code-event.entity';
export * from './chain-checkpoint.entity';
export * from './audit-log';
export * from './agency.entity';
export * from './agency-name';
export * from './connected-system.entity';
export * from './dead-letter.entity';
export * from './dead-letter-action.entity';
export * from './dead-letter-replay';
export * from './delivery.entity';
export * from './document.entity';
export * from './event.entity';
export * from './processed-message.entity';
export * from './proof-record.entity';
export * from './trust-material.entity';

export const HUB_ENTITIES = [
  AgencyEntity,
  ConnectedSystemEntity,
  AgencyCertificateEntity,
  AgencyCodeEventEntity,
  TrustMaterialEntity,
  DocumentEntity,
  DeliveryEntity,
  EventEntity,
  DeadLetterEntity,
  DeadLetterActionEntity,
  ProcessedMessageEntity,
  DeliveredPackageEntity,
  SignedStatusEntity,
  ChainCheckpointEntity,
  CheckpointEntryEntity,
  CheckpointRequestEntity,
];

/** The hub database (shared by hub and console). Migrations are hand-written, one per change. */
export function createHubDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({ ...pgOptions(options), entities: HUB_ENTITIES, migrations: [HubInitial1700000000000, DropUnusedColumns1764600000000, DeadLetterOrigin1764600000001, DocumentDueDate1765000000000, DeadLetterActions1765000000001, ProofRecords1765000000002, ConsoleAccountsAndAuditLog1765100000000, ChainCheckpoints1765100000001, AgencyDirectory1765200000000, SystemEnrolment1765300000000, AgencyCodesContactsAndAxisFields1765300001900, CertificateRetirementAndHeldDeliveries1765319000000, HubPackageStorageExternal1765400000000, BlobStore1765500000000, BlobRetention1765500000001, StaleWriteGuard1765600000000] } as never);
}
export * from './event-chain';
