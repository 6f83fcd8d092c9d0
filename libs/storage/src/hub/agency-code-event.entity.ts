import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One event in the history of an agency code: retired (closed), renamed or merged into a successor. */
@Entity({ name: 'agency_code_history' })
export class AgencyCodeEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' }) id!: string;
  @Index('agency_code_history_code') @Column({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) kind!: 'retired' | 'renamed' | 'merged';
  @Index('agency_code_history_successor') @Column({ name: 'successor_code', type: 'text', nullable: true }) successorCode!: string | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at!: Date;
  /** Who retired it (the console account's name). */
  @Column({ type: 'text' }) actor!: string;
}
