import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Ids of status messages already applied, so a redelivered status is not applied twice. */
@Entity({ name: 'processed_messages' })
export class ProcessedMessageEntity {
  @PrimaryColumn({ name: 'message_id', type: 'text' }) messageId!: string;
  @Column({ name: 'processed_at', type: 'timestamptz' }) processedAt!: Date;
}
