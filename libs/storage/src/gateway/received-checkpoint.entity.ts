import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A chain checkpoint the hub signed and published, verified and kept by this gateway. */
@Entity({ name: 'chain_checkpoints' })
export class ReceivedCheckpointEntity {
  @PrimaryColumn({ type: 'bigint' }) seq!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'text' }) head!: string;
  @Column({ type: 'text' }) token!: string;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
}
