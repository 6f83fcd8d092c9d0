import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One gateway installation: it owns one broker user and one inbox queue, and hosts agencies. */
@Entity({ name: 'connected_systems' })
export class ConnectedSystemEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  /** The RabbitMQ user the gateway connects as; the AMQP user_id property of its messages. */
  @Column({ name: 'amqp_user', type: 'text', unique: true }) amqpUser!: string;
  @Column({ type: 'text', default: 'active' }) status!: 'active' | 'suspended';
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
