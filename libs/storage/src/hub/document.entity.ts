import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A package the hub accepted. The id is the package id (AMQP message id), the idempotency key. */
@Entity({ name: 'documents' })
export class DocumentEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  /** edXML DocumentId: "<sender>,<yyyy/MM/dd>,<number>/<symbol>". */
  @Index() @Column({ name: 'edxml_document_id', type: 'text' }) edxmlDocumentId!: string;
  @Index() @Column({ name: 'sender_code', type: 'text' }) senderCode!: string;
  @Column({ name: 'sender_system', type: 'text' }) senderSystem!: string;
  @Column({ type: 'text' }) subject!: string;
  @Column({ name: 'code_number', type: 'text' }) codeNumber!: string;
  @Column({ name: 'code_notation', type: 'text' }) codeNotation!: string;
  @Column({ name: 'business_type', type: 'smallint' }) businessType!: number;
  @Column({ type: 'text' }) sha256!: string;
  @Column({ type: 'bigint' }) size!: string;
  /** edXML DueDate (the answer is due by then), when the sender set one. */
  @Column({ name: 'due_date', type: 'timestamptz', nullable: true }) dueDate!: Date | null;
  @Index() @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
  /** Hash of this document's latest event: the head of its tamper-evident chain. */
  @Column({ name: 'last_event_hash', type: 'text' }) lastEventHash!: string;
  @Column({ name: 'event_count', type: 'integer', default: 0 }) eventCount!: number;
  /** How many of its events the latest chain checkpoint covers. */
  @Column({ name: 'checkpointed_count', type: 'integer', default: 0 }) checkpointedCount!: number;
}
