import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A signing certificate registered for an agency: the envelope and organisation signatures must use one. */
@Entity({ name: 'agency_certificates' })
export class AgencyCertificateEntity {
  /** SHA-256 of the DER certificate, hex. */
  @PrimaryColumn({ type: 'text' }) fingerprint!: string;
  @Index() @Column({ name: 'agency_code', type: 'text' }) agencyCode!: string;
  @Column({ type: 'text' }) pem!: string;
  @Column({ name: 'serial_number', type: 'text' }) serialNumber!: string;
  @Column({ name: 'not_before', type: 'timestamptz' }) notBefore!: Date;
  @Column({ name: 'not_after', type: 'timestamptz' }) notAfter!: Date;
  @Column({ type: 'text', default: 'active' }) status!: 'active' | 'retired';
  /** When it was retired (`DELETE /v1/agencies/:code/certificates/:fingerprint`); null while active. */
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true }) retiredAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
