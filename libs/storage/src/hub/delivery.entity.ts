import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DeliveryState } from '@edx/edxml';

export type { DeliveryState };

/** One document to one recipient. Its state only moves forward (libs/edxml/src/model/delivery-state.ts). */
@Entity({ name: 'deliveries' })
export class DeliveryEntity {
  @PrimaryColumn({ name: 'document_id', type: 'uuid' }) documentId!: string;
  @PrimaryColumn({ name: 'recipient_code', type: 'text' }) recipientCode!: string;
  @Index() @Column({ type: 'text' }) state!: DeliveryState;
  @Column({ name: 'last_status_code', type: 'text', nullable: true }) lastStatusCode!: string | null;
  @Column({ name: 'reason', type: 'text', nullable: true }) reason!: string | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  /** Set while the hub holds the copy for a suspended recipient (EDX_SUSPENDED_RECIPIENT=hold); published and cleared on resume. */
  @Column({ name: 'held_since', type: 'timestamptz', nullable: true }) heldSince!: Date | null;
  /** The code the sender addressed, when the hub routed to that retired code's successor (this recipient). */
  @Column({ name: 'addressed_to', type: 'text', nullable: true }) addressedTo!: string | null;
}
