import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A package a hosted agency sent: the signed bytes exactly as published. */
@Entity({ name: 'outgoing_documents' })
export class OutgoingDocumentEntity {
  /** Package id: the AMQP message id and the key every receipt refers to. */
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Index() @Column({ name: 'agency_code', type: 'text' }) agencyCode!: string;
  @Column({ name: 'edxml_document_id', type: 'text' }) edxmlDocumentId!: string;
  @Column({ type: 'text' }) subject!: string;
  @Column({ type: 'text', array: true }) recipients!: string[];
  @Column({ type: 'bytea' }) package!: Buffer;
  @Column({ type: 'text' }) sha256!: string;
  @Index() @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
}
