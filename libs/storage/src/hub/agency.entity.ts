import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type AgencyStatus = 'active' | 'suspended';

/** An entry of the agency directory. It is hosted by at most one connected system (its routing home). */
@Entity({ name: 'agencies' })
export class AgencyEntity {
  @PrimaryColumn({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: 'active' }) status!: AgencyStatus;
  @Column({ name: 'system_id', type: 'text', nullable: true }) systemId!: string | null;
  /** The name as search compares it (`foldAgencyName`): written with every name. */
  @Column({ name: 'name_folded', type: 'text' }) nameFolded!: string;
  /** The agency this one belongs to in the hierarchy (an agency code), if any. */
  @Column({ name: 'parent_code', type: 'text', nullable: true }) parentCode!: string | null;
  /** Older QCVN 102 code of the same agency, when it has a newer one. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
