import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Transactional outbox: a row is written in the same transaction as the effect it announces, and
 * the relay publishes it (confirmed) afterwards. Documents keep their bytes in outgoing_documents.
 */
@Entity({ name: 'outbox' })
@Index('outbox_pending', ['id'], { where: 'published_at IS NULL AND parked_at IS NULL' })
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ name: 'message_id', type: 'uuid' }) messageId!: string;
  @Column({ type: 'text' }) type!: 'package' | 'status';
  @Column({ name: 'routing_key', type: 'text' }) routingKey!: string;
  @Column({ type: 'jsonb', default: {} }) headers!: Record<string, unknown>;
  /** Null for a package: the body is outgoing_documents.package. */
  @Column({ type: 'bytea', nullable: true }) body!: Buffer | null;
  @Column({ name: 'document_id', type: 'uuid', nullable: true }) documentId!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
  @Column({ type: 'integer', default: 0 }) attempts!: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  /** Not claimed before this time: a row that keeps failing backs off, the rows behind it go on. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true }) nextAttemptAt!: Date | null;
  /** Set after the last allowed attempt: the row waits for a person (shown with its document). */
  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true }) parkedAt!: Date | null;
}
