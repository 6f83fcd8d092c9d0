import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Append-only trace and status log. Each row holds the hash of the previous row of the same
 * document, so any edit or deletion breaks the chain (`edx audit verify`).
 */
@Entity({ name: 'events' })
@Index(['documentId', 'seq'], { unique: true })
export class EventEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'document_id', type: 'uuid' }) documentId!: string;
  @Column({ type: 'integer' }) seq!: number;
  @Column({ name: 'recipient_code', type: 'text', nullable: true }) recipientCode!: string | null;
  /** received, routed, status, rejected, ... */
  @Column({ type: 'text' }) type!: string;
  @Column({ name: 'status_code', type: 'text', nullable: true }) statusCode!: string | null;
  @Column({ name: 'actor', type: 'text' }) actor!: string;
  @Column({ type: 'jsonb', default: {} }) detail!: Record<string, unknown>;
  @Index() @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash!: string;
  @Column({ type: 'text' }) hash!: string;
}
