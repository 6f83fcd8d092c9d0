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
  @Column({ name: 'contact_person', type: 'text', nullable: true }) contactPerson!: string | null;
  @Column({ type: 'text', nullable: true }) mail!: string | null;
  @Column({ type: 'text', nullable: true }) phone!: string | null;
  @Column({ type: 'text', nullable: true }) address!: string | null;
  /** The agency's id in the national axis's agency list it was imported from (`id`; unique). */
  @Column({ name: 'axis_id', type: 'text', nullable: true }) axisId!: string | null;
  /** Its code under QĐ 20/2020 (`code102` of the axis list). */
  @Column({ type: 'text', nullable: true }) code102!: string | null;
  /** A previous code of the same agency (`oldCode` of the axis list; a rename sets it). */
  @Column({ name: 'old_code', type: 'text', nullable: true }) oldCode!: string | null;
  /** Set when the code is retired: what it was retired into (null: closed without a successor). */
  @Column({ name: 'successor_code', type: 'text', nullable: true }) successorCode!: string | null;
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true }) retiredAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
