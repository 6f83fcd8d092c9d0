import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Trust anchors, intermediate CAs and CRLs that the hub verifies against. */
@Entity({ name: 'trust_material' })
export class TrustMaterialEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ type: 'text' }) kind!: 'anchor' | 'intermediate' | 'crl';
  @Column({ type: 'text' }) pem!: string;
  @Column({ type: 'text', nullable: true }) label!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
