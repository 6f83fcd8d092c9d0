import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type DeadLetterState = 'open' | 'replaying' | 'replayed' | 'discarded';
export type DeadLetterActionOutcome = 'pending' | 'accepted' | 'sent' | 'refused' | 'discarded';

/** An operator's replay or discard of a dead letter: who, when, why, and what came of it. */
@Entity({ name: 'dead_letter_actions' })
export class DeadLetterActionEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Index() @Column({ name: 'dead_letter_id', type: 'bigint' }) deadLetterId!: string;
  @Column({ type: 'text' }) action!: 'replay' | 'discard';
  @Column({ name: 'requested_by', type: 'text' }) requestedBy!: string;
  @Column({ name: 'requested_at', type: 'timestamptz' }) requestedAt!: Date;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  /** pending (the hub has not run it yet), accepted (the hub took it), sent (back to a recipient's inbox), refused (with outcome_code), discarded. */
  @Column({ type: 'text' }) outcome!: DeadLetterActionOutcome;
  @Column({ name: 'outcome_code', type: 'text', nullable: true }) outcomeCode!: string | null;
  @Column({ name: 'outcome_detail', type: 'text', nullable: true }) outcomeDetail!: string | null;
  @Column({ name: 'done_at', type: 'timestamptz', nullable: true }) doneAt!: Date | null;
}
