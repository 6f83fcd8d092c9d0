import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { parseAgencyCode } from '@edx/edxml';
import { AmqpConnection, BrokerAdmin, declareSystemInbox } from '@edx/messaging';
import { AuditActor, appendAudit, foldAgencyName } from '@edx/storage';
import { Certificate, crlIssuerAmong, latestCrlPerIssuer, readTrustMaterial } from '@edx/trust';
import { assertNoParentCycle, lockHierarchy } from './agency-hierarchy';

export interface SystemCredentials {
  readonly id: string;
  readonly amqpUser: string;
  /** Shown once, never stored: the broker keeps only its hash. */
  readonly amqpPassword: string;
  readonly amqpUrl: string;
}

export interface CertificateSummary {
  readonly fingerprint: string;
  readonly serialNumber: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * One agency certificate, as PEM text or base64 DER in the same field. Throws KEY_INVALID when it
 * cannot be read or is not exactly one certificate.
 */
function readCertificate(input: string): { cert: Certificate; summary: CertificateSummary } {
  const material = readTrustMaterial(input, 'The certificate');
  const [cert] = material.certificates;
  if (material.certificates.length !== 1 || material.crls.length > 0) {
    throw new EdxError('KEY_INVALID', `Send one certificate (PEM or base64 DER); this holds ${material.certificates.length} certificate(s) and ${material.crls.length} CRL(s).`);
  }
  return {
    cert,
    summary: {
      fingerprint: cert.fingerprint,
      serialNumber: cert.native.serialNumber,
      subject: cert.subject,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
    },
  };
}

/**
 * Onboarding: connected systems (a broker user and an inbox queue each), the agencies they host (one
 * binding each), agency signing certificates and the trust anchors. Broker first, then the
 * directory row, so a half-done onboarding is retried safely (every step is idempotent). Each change
 * to the directory is in the audit log, written in the transaction that makes it, with who (`by`).
 */
export class OnboardingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly admin: BrokerAdmin,
    private readonly amqp: AmqpConnection,
    private readonly vhost: string,
    private readonly publicAmqpUrl: string,
  ) {}

  async createSystem(id: string, name: string, by: AuditActor): Promise<SystemCredentials> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(id)) {
      throw new EdxError('REQUEST_INVALID', `System id "${id}" must be 1-63 letters, digits, dots, dashes or underscores.`);
    }
    const existing = await this.dataSource.query('SELECT 1 FROM connected_systems WHERE id = $1', [id]);
    if (existing.length > 0) throw new EdxError('CONFLICT', `Connected system ${id} exists already.`);
    const password = randomBytes(24).toString('base64url');
    await this.admin.ensureVhost(this.vhost);
    const amqpUser = await this.admin.ensureSystemUser(this.vhost, id, password);
    await this.withChannel((ch) => declareSystemInbox(ch, id, []));
    await this.dataSource.transaction(async (em) => {
      await em.query('INSERT INTO connected_systems (id, name, amqp_user) VALUES ($1, $2, $3)', [id, name, amqpUser]);
      await appendAudit(em, { actor: by, action: 'system.create', target: id, before: null, after: { id, name, amqpUser } });
    });
    const url = new URL(this.publicAmqpUrl);
    url.username = encodeURIComponent(amqpUser);
    url.password = encodeURIComponent(password);
    return { id, amqpUser, amqpPassword: password, amqpUrl: url.toString() };
  }

  /**
   * Registers or updates an agency. `parentCode`: a string sets its parent, null removes it, absent
   * keeps what it had. Throws DIRECTORY_PARENT_UNKNOWN for a parent not registered and
   * DIRECTORY_PARENT_CYCLE for a parent that is the agency itself or one of its descendants.
   */
  async addAgency(input: { code: string; name: string; systemId: string; certificatePem?: string; parentCode?: string | null }, by: AuditActor): Promise<{ code: string; certificate?: CertificateSummary }> {
    const code = parseAgencyCode(input.code);
    const parentCode = typeof input.parentCode === 'string' ? parseAgencyCode(input.parentCode) : input.parentCode;
    if (!input.name?.trim()) throw new EdxError('REQUEST_INVALID', 'The agency needs a name.');
    const system = await this.dataSource.query('SELECT id FROM connected_systems WHERE id = $1', [input.systemId]);
    if (system.length === 0) throw new EdxError('NOT_FOUND', `Connected system ${input.systemId} does not exist; create it first.`);
    const current: Array<{ system_id: string | null }> = await this.dataSource.query('SELECT system_id FROM agencies WHERE code = $1', [code]);
    if (current[0]?.system_id && current[0].system_id !== input.systemId) {
      throw new EdxError('CONFLICT', `Agency ${code} is hosted by system ${current[0].system_id}; move it explicitly.`);
    }
    if (parentCode) await this.assertParentKnown(parentCode);
    await this.withChannel((ch) => declareSystemInbox(ch, input.systemId, [code]));
    await this.dataSource.transaction(async (em) => {
      if (parentCode) await lockHierarchy(em);
      const [was]: Array<{ name: string; status: string; system_id: string | null; parent_code: string | null }> = await em.query(
        'SELECT name, status, system_id, parent_code FROM agencies WHERE code = $1 FOR UPDATE', [code],
      );
      if (parentCode) await assertNoParentCycle(em, code, parentCode);
      const name = input.name.trim();
      const [after]: Array<{ name: string; status: string; system_id: string; parent_code: string | null }> = await em.query(
        `INSERT INTO agencies (code, name, name_folded, system_id, parent_code) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_folded = EXCLUDED.name_folded, system_id = EXCLUDED.system_id,
           parent_code = CASE WHEN $6 THEN agencies.parent_code ELSE EXCLUDED.parent_code END, updated_at = now()
         RETURNING name, status, system_id, parent_code`,
        [code, name, foldAgencyName(name), input.systemId, parentCode ?? null, parentCode === undefined],
      );
      await appendAudit(em, {
        actor: by, action: 'agency.add', target: code,
        before: was ? { name: was.name, status: was.status, systemId: was.system_id, parentCode: was.parent_code } : null,
        after: { name: after.name, status: after.status, systemId: after.system_id, parentCode: after.parent_code },
      });
    });
    const certificate = input.certificatePem ? await this.addCertificate(code, input.certificatePem, by) : undefined;
    return { code, certificate };
  }

  private async assertParentKnown(parentCode: string): Promise<void> {
    const rows = await this.dataSource.query('SELECT 1 FROM agencies WHERE code = $1', [parentCode]);
    if (rows.length === 0) throw new EdxError('DIRECTORY_PARENT_UNKNOWN', `The parent agency ${parentCode} is not registered; add it first.`, { parentCode });
  }

  async addCertificate(agencyCode: string, input: string, by: AuditActor): Promise<CertificateSummary> {
    const { cert, summary } = readCertificate(input);
    const agency = await this.dataSource.query('SELECT 1 FROM agencies WHERE code = $1', [agencyCode]);
    if (agency.length === 0) throw new EdxError('NOT_FOUND', `Agency ${agencyCode} is not registered.`);
    await this.dataSource.transaction(async (em) => {
      const inserted: Array<{ fingerprint: string }> = await em.query(
        `INSERT INTO agency_certificates (fingerprint, agency_code, pem, serial_number, not_before, not_after)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (fingerprint) DO NOTHING RETURNING fingerprint`,
        [summary.fingerprint, agencyCode, cert.pem.trim(), summary.serialNumber, summary.notBefore, summary.notAfter],
      );
      const described = { fingerprint: summary.fingerprint, serialNumber: summary.serialNumber, subject: summary.subject, notAfter: summary.notAfter.toISOString() };
      // Adding a certificate already registered changes nothing: the record says so (before = after).
      await appendAudit(em, { actor: by, action: 'certificate.add', target: agencyCode, before: inserted.length ? null : described, after: described });
    });
    return summary;
  }

  async setAgencyStatus(code: string, status: 'active' | 'suspended', by: AuditActor): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const [current]: Array<{ status: string }> = await em.query('SELECT status FROM agencies WHERE code = $1 FOR UPDATE', [code]);
      if (!current) throw new EdxError('NOT_FOUND', `Agency ${code} is not registered.`);
      await em.query('UPDATE agencies SET status = $2, updated_at = now() WHERE code = $1', [code, status]);
      await appendAudit(em, { actor: by, action: 'agency.status', target: code, before: { status: current.status }, after: { status } });
    });
  }

  /**
   * Stores an anchor, intermediate CA or CRL sent as PEM (a bundle: every block is read) or base64
   * DER, as PEM. Nothing is stored unless all of it is read: KEY_INVALID for what cannot be read or is
   * of the wrong kind; a CRL must be signed by a registered CA that may sign CRLs (CERT_UNTRUSTED,
   * CERT_CHAIN_INVALID) with an algorithm the policy accepts (SIGNATURE_ALGORITHM_WEAK).
   */
  async addTrustMaterial(kind: 'anchor' | 'intermediate' | 'crl', input: string, by: AuditActor, label?: string): Promise<{ id: string }> {
    const material = readTrustMaterial(input, label ? `The ${kind} "${label}"` : `The ${kind}`);
    let pem: string;
    if (kind === 'crl') {
      if (material.certificates.length > 0) throw new EdxError('KEY_INVALID', 'This holds a certificate; send certificates as anchors or intermediates, CRLs alone.');
      const cas = await this.registeredCas();
      for (const crl of material.crls) crlIssuerAmong(crl, cas);
      pem = material.crls.map((crl) => crl.pem).join('');
    } else {
      if (material.crls.length > 0) throw new EdxError('KEY_INVALID', `This holds a CRL; send CRLs as crls, the ${kind} certificates alone.`);
      pem = material.certificates.map((c) => c.pem).join('');
    }
    const described = {
      kind, label: label ?? null,
      certificates: material.certificates.map((c) => ({ subject: c.subject, fingerprint: c.fingerprint, notAfter: c.notAfter.toISOString() })),
      crls: material.crls.length,
    };
    return this.dataSource.transaction(async (em) => {
      const rows: Array<{ id: string }> = await em.query('INSERT INTO trust_material (kind, pem, label) VALUES ($1, $2, $3) RETURNING id', [kind, pem.trim(), label ?? null]);
      const id = String(rows[0].id);
      await appendAudit(em, { actor: by, action: 'trust.add', target: id, before: null, after: described });
      return { id };
    });
  }

  /** The latest uploaded CRL of each issuer as one PEM bundle: what gateways poll (`GET /v1/trust/crls`). */
  async crlBundle(): Promise<string> {
    const rows: Array<{ id: string; pem: string }> = await this.dataSource.query("SELECT id::text, pem FROM trust_material WHERE kind = 'crl' ORDER BY trust_material.id");
    const uploaded = rows.flatMap((row) => readTrustMaterial(row.pem, `trust_material row ${row.id}`).crls);
    return latestCrlPerIssuer(uploaded).map((crl) => crl.pem).join('');
  }

  /** The anchors and intermediate CAs already registered: who may have signed a CRL. */
  private async registeredCas(): Promise<Certificate[]> {
    const rows: Array<{ id: string; pem: string }> = await this.dataSource.query("SELECT id, pem FROM trust_material WHERE kind IN ('anchor', 'intermediate') ORDER BY id");
    return rows.flatMap((row) => readTrustMaterial(row.pem, `trust_material row ${row.id}`).certificates);
  }

  private async withChannel<T>(work: (ch: Awaited<ReturnType<AmqpConnection['createChannel']>>) => Promise<T>): Promise<T> {
    const ch = await this.amqp.createChannel();
    try {
      return await work(ch);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }
}
