import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A checkpoint the hub signed over every document's chain head (see checkpointHead), and whether it was sent to the gateways. */
@Entity({ name: 'chain_checkpoints' })
export class ChainCheckpointEntity {
  @PrimaryColumn({ type: 'bigint' }) seq!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'integer' }) documents!: number;
  @Column({ type: 'bigint' }) events!: string;
  @Column({ type: 'text' }) head!: string;
  /** The signed checkpoint (JWS compact) as the gateways keep it. */
  @Column({ type: 'text' }) token!: string;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
}

/** A document's chain head as a checkpoint covered it: the checkpoint's head is computed over these. */
@Entity({ name: 'checkpoint_entries' })
export class CheckpointEntryEntity {
  @PrimaryColumn({ name: 'checkpoint_seq', type: 'bigint' }) checkpointSeq!: string;
  @PrimaryColumn({ name: 'document_id', type: 'uuid' }) documentId!: string;
  @Column({ name: 'event_count', type: 'integer' }) eventCount!: number;
  @Column({ name: 'event_hash', type: 'text' }) eventHash!: string;
}

/** An operator's request for a checkpoint now (the hub takes one at its next poll). */
@Entity({ name: 'checkpoint_requests' })
export class CheckpointRequestEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'requested_by', type: 'text' }) requestedBy!: string;
  @Column({ name: 'requested_at', type: 'timestamptz' }) requestedAt!: Date;
  @Column({ name: 'checkpoint_seq', type: 'bigint', nullable: true }) checkpointSeq!: string | null;
}
