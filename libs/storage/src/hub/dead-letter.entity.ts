import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { DeadLetterState } from './dead-letter-action.entity';

/** Who wrote a dead letter: the hub itself, a queue's dead-letter exchange (the broker), or someone else. */
export type DeadLetterOrigin = 'hub' | 'broker' | 'unverified';

/** A message that failed for good, with its reason, kept for an operator to see and replay. */
@Entity({ name: 'dead_letters' })
export class DeadLetterEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Index() @Column({ name: 'message_id', type: 'text', nullable: true }) messageId!: string | null;
  @Column({ name: 'source_queue', type: 'text' }) sourceQueue!: string;
  @Column({ name: 'message_type', type: 'text', nullable: true }) messageType!: string | null;
  @Column({ name: 'user_id', type: 'text', nullable: true }) userId!: string | null;
  @Index() @Column({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) reason!: string;
  @Column({ type: 'bytea' }) body!: Buffer;
  @Column({ type: 'jsonb', default: {} }) headers!: Record<string, unknown>;
  @Index() @Column({ name: 'failed_at', type: 'timestamptz' }) failedAt!: Date;
  @Column({ type: 'text', default: 'hub' }) origin!: DeadLetterOrigin;
  /** open until an operator replays (replaying, then replayed) or discards it; a refused replay opens it again. */
  @Column({ type: 'text', default: 'open' }) state!: DeadLetterState;
}
