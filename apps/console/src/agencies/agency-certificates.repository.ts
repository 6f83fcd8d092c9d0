import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { QueryParams } from '../http/query-params';

export interface RegisteredCertificate {
  readonly agencyCode: string;
  readonly agencyName: string;
  readonly fingerprint: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly status: 'active' | 'retired';
  readonly retiredAt: string | null;
  /** Whole days until notAfter (negative once expired). */
  readonly daysToExpiry: number;
  /** `expired`, `expiring` (within EDX_EXPIRY_WARNING_DAYS) or `valid`. */
  readonly expiry: 'expired' | 'expiring' | 'valid';
}

/** Reads the agencies' registered signing certificates (changes are the onboarding service's). */
export class AgencyCertificatesRepository {
  constructor(
    private readonly dataSource: DataSource,
    /** Within so many days of its notAfter a certificate is `expiring` (EDX_EXPIRY_WARNING_DAYS, as the alarms). */
    private readonly warningDays: number,
  ) {}

  /**
   * Soonest expiry first: `agency` (one agency's), `status` (active | retired), `limit` (≤ 500,
   * default 100). Throws REQUEST_INVALID for a bad parameter.
   */
  async list(query: Record<string, unknown>): Promise<{ items: RegisteredCertificate[] }> {
    const params = new QueryParams(query);
    const agency = params.one('agency');
    const status = params.one('status');
    const limit = params.limit(100);
    if (status !== undefined && status !== 'active' && status !== 'retired') {
      throw new EdxError('REQUEST_INVALID', '"status" must be "active" or "retired".');
    }
    const items: RegisteredCertificate[] = await this.dataSource.query(
      `SELECT c.agency_code AS "agencyCode", a.name AS "agencyName", c.fingerprint, c.serial_number AS "serialNumber",
              c.not_before AS "notBefore", c.not_after AS "notAfter", c.status, c.retired_at AS "retiredAt",
              floor(extract(epoch FROM c.not_after - now()) / 86400)::int AS "daysToExpiry",
              CASE WHEN c.not_after <= now() THEN 'expired' WHEN c.not_after <= now() + $4 * interval '1 day' THEN 'expiring' ELSE 'valid' END AS expiry
       FROM agency_certificates c JOIN agencies a ON a.code = c.agency_code
       WHERE ($1::text IS NULL OR c.agency_code = $1) AND ($2::text IS NULL OR c.status = $2)
       ORDER BY c.not_after, c.fingerprint LIMIT $3`,
      [agency ?? null, status ?? null, limit, this.warningDays],
    );
    return { items };
  }
}
