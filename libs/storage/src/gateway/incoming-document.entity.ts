import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A package delivered to a hosted agency, verified, stored before it was acknowledged to the broker. */
@Entity({ name: 'incoming_documents' })
export class IncomingDocumentEntity {
  @PrimaryColumn({ name: 'package_id', type: 'uuid' }) packageId!: string;
  @PrimaryColumn({ name: 'recipient_code', type: 'text' }) recipientCode!: string;
  @Column({ name: 'sender_code', type: 'text' }) senderCode!: string;
  @Column({ name: 'edxml_document_id', type: 'text' }) edxmlDocumentId!: string;
  @Column({ type: 'text' }) subject!: string;
  @Column({ type: 'bytea' }) package!: Buffer;
  @Column({ type: 'text' }) sha256!: string;
  /** arrived (01 sent) or rejected (02 sent). */
  @Column({ type: 'text' }) verdict!: 'arrived' | 'rejected';
  @Column({ name: 'reject_code', type: 'text', nullable: true }) rejectCode!: string | null;
  @Column({ name: 'reject_reason', type: 'text', nullable: true }) rejectReason!: string | null;
  @Index() @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
  @Column({ name: 'fetched_at', type: 'timestamptz', nullable: true }) fetchedAt!: Date | null;
  /** The hub's signed receipt attestation (a JWS): the package was valid when it arrived, provably. */
  @Column({ name: 'receipt_attestation', type: 'text', nullable: true }) receiptAttestation!: string | null;
  /** The code the sender addressed, when the hub routed the document to its successor (a retired code). */
  @Column({ name: 'addressed_to', type: 'text', nullable: true }) addressedTo?: string | null;
}
