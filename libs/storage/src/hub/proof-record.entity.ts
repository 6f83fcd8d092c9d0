import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The bytes of a package exactly as the hub delivered them (with its TraceHeader hop): what its receipt attestation is about. */
@Entity({ name: 'delivered_packages' })
export class DeliveredPackageEntity {
  @PrimaryColumn({ name: 'document_id', type: 'uuid' }) documentId!: string;
  @Column({ type: 'bytea' }) body!: Buffer;
}

/** The signed bytes of a status the hub accepted (a signed receipt), for proofs of delivery. */
@Entity({ name: 'signed_statuses' })
export class SignedStatusEntity {
  @PrimaryColumn({ name: 'message_id', type: 'text' }) messageId!: string;
  /** The agency that said it: statuses are deduplicated per author, so two may share a message id. */
  @PrimaryColumn({ type: 'text' }) author!: string;
  @Index() @Column({ name: 'document_id', type: 'uuid' }) documentId!: string;
  @Column({ type: 'bytea' }) body!: Buffer;
}
