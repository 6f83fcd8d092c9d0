import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A status message sent or received by a hosted agency about one package. */
@Entity({ name: 'status_records' })
@Index(['packageId', 'at'])
export class StatusRecordEntity {
  /** The status message's own id (AMQP message id): the dedup key. */
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'package_id', type: 'uuid' }) packageId!: string;
  @Column({ type: 'text' }) direction!: 'in' | 'out';
  /** The hosted agency this record belongs to (sender of an 'out', addressee of an 'in'). */
  @Index() @Column({ name: 'agency_code', type: 'text' }) agencyCode!: string;
  /** The agency that reported the status. */
  @Column({ name: 'from_code', type: 'text' }) fromCode!: string;
  /** On a status received by a sender: the recipient code it addressed, which `fromCode` (its successor) answers for. */
  @Column({ name: 'addressed_to', type: 'text', nullable: true }) addressedTo?: string | null;
  @Column({ name: 'status_code', type: 'text' }) statusCode!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  /** Recording order (statuses received in one batch share `at`): the order a delivery's state is folded in. */
  @Column({ type: 'bigint', insert: false, update: false, generated: 'identity', generatedIdentity: 'ALWAYS' }) seq!: string;
}
