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
  /** Enrolment (SystemEnrolment1765300000000): SHA-256 of the one-time token, until when it may be redeemed, by which key. */
  @Column({ name: 'enrolment_token_sha256', type: 'text', nullable: true, unique: true }) enrolmentTokenSha256!: string | null;
  @Column({ name: 'enrolment_expires_at', type: 'timestamptz', nullable: true }) enrolmentExpiresAt!: Date | null;
  @Column({ name: 'enrolled_at', type: 'timestamptz', nullable: true }) enrolledAt!: Date | null;
  @Column({ name: 'enrolled_key_sha256', type: 'text', nullable: true }) enrolledKeySha256!: string | null;
  /** SHA-256 of the system's console token: its gateway reads the agencies it hosts with it. */
  @Column({ name: 'console_token_sha256', type: 'text', nullable: true, unique: true }) consoleTokenSha256!: string | null;
  /** How many keys have enrolled: the broker user of the latest is `system.<id>.<generation>`. */
  @Column({ name: 'broker_generation', type: 'integer', default: 0 }) brokerGeneration!: number;
}
