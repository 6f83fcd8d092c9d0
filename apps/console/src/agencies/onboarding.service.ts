import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { parseAgencyCode } from '@edx/edxml';
import { AmqpConnection, declareSystemInbox } from '@edx/messaging';
import { AuditActor, appendAudit, foldAgencyName } from '@edx/storage';
import { Certificate, TrustStore, crlIssuerAmong, latestCrlPerIssuer, readTrustMaterial } from '@edx/trust';
import { assertNoParentCycle, lockHierarchy } from './agency-hierarchy';
import { assertRegistrable } from './certificate-registration';

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
 * Onboarding: the agencies connected systems host (one binding each; systems: SystemsService), agency signing certificates and the trust anchors. Broker first, then the
 * directory row, so a half-done onboarding is retried safely (every step is idempotent). Each change
 * to the directory is in the audit log, written in the transaction that makes it, with who (`by`).
 */
export class OnboardingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly amqp: AmqpConnection,
  ) {}

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
    await this.amqp.withChannel((ch) => declareSystemInbox(ch, input.systemId, [code]));
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

  /**
   * Registers a signing certificate for an agency (a rotation adds the new one beside the old: the hub
   * accepts both until the old is retired). Refused unless it names the agency, may sign and chains
   * now to the registered trust (assertRegistrable). Adding one already registered changes nothing,
   * also not a retired one: retirement is final.
   */
  async addCertificate(agencyCode: string, input: string, by: AuditActor, now = new Date()): Promise<CertificateSummary> {
    const { cert, summary } = readCertificate(input);
    const agency = await this.dataSource.query('SELECT 1 FROM agencies WHERE code = $1', [agencyCode]);
    if (agency.length === 0) throw new EdxError('NOT_FOUND', `Agency ${agencyCode} is not registered.`);
    assertRegistrable(cert, agencyCode, await this.registeredTrust(), now);
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

  /**
   * Retires a registered certificate: from the hub's next directory read (EDX_DIRECTORY_CACHE_MS) a
   * package or status signed with it is refused (SIGNER_NOT_SENDER). Retiring one already retired
   * changes nothing (the audit row says so, before = after). NOT_FOUND for a certificate not
   * registered for that agency; CONFLICT for the agency's last active one (it could send nothing:
   * suspend the agency instead).
   */
  async retireCertificate(agencyCode: string, fingerprint: string, by: AuditActor): Promise<CertificateSummary & { status: 'retired'; retiredAt: Date }> {
    const wanted = fingerprint.trim().toLowerCase().replace(/:/g, '');
    return this.dataSource.transaction(async (em) => {
      // One retirement per agency at a time, so two cannot together retire its last two certificates.
      const rows: Array<{ fingerprint: string; serial_number: string; pem: string; not_before: Date; not_after: Date; status: string; retired_at: Date | null }> = await em.query(
        'SELECT fingerprint, serial_number, pem, not_before, not_after, status, retired_at FROM agency_certificates WHERE agency_code = $1 ORDER BY fingerprint FOR UPDATE', [agencyCode],
      );
      const row = rows.find((r) => r.fingerprint === wanted);
      if (!row) throw new EdxError('NOT_FOUND', `No certificate with fingerprint ${wanted} is registered for agency ${agencyCode}.`, { agencyCode, fingerprint: wanted });
      const described = (status: string) => ({ fingerprint: row.fingerprint, serialNumber: row.serial_number, status });
      let retiredAt = row.retired_at;
      if (row.status === 'active') {
        if (!rows.some((r) => r.status === 'active' && r.fingerprint !== wanted)) {
          throw new EdxError('CONFLICT', `${wanted} is the last active certificate of ${agencyCode}; register its successor first (POST /v1/agencies/${agencyCode}/certificates), or suspend the agency.`, { agencyCode, fingerprint: wanted });
        }
        await em.query("UPDATE agency_certificates SET status = 'retired', retired_at = now() WHERE fingerprint = $1", [wanted]);
        // now() is the transaction's time: the very value just written.
        [{ now: retiredAt }] = await em.query('SELECT now() AS now');
      }
      await appendAudit(em, { actor: by, action: 'certificate.retire', target: agencyCode, before: described(row.status), after: described('retired') });
      const cert = Certificate.from(row.pem);
      return { fingerprint: row.fingerprint, serialNumber: row.serial_number, subject: cert.subject, notBefore: row.not_before, notAfter: row.not_after, status: 'retired' as const, retiredAt: retiredAt! };
    });
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

  /** The registered anchors, intermediates and CRLs, judged as the hub judges them (loaded CRLs only). */
  private async registeredTrust(): Promise<TrustStore> {
    const rows: Array<{ id: string; kind: 'anchor' | 'intermediate' | 'crl'; pem: string }> = await this.dataSource.query('SELECT id::text, kind, pem FROM trust_material ORDER BY id');
    const of = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => ({ name: `trust_material row ${r.id}`, bytes: r.pem }));
    return TrustStore.fromMaterial({ anchors: of('anchor'), intermediates: of('intermediate'), crls: of('crl') }, { crlPolicy: 'if-present', staleCrl: 'fail' });
  }

  /** The anchors and intermediate CAs already registered: who may have signed a CRL. */
  private async registeredCas(): Promise<Certificate[]> {
    const rows: Array<{ id: string; pem: string }> = await this.dataSource.query("SELECT id, pem FROM trust_material WHERE kind IN ('anchor', 'intermediate') ORDER BY id");
    return rows.flatMap((row) => readTrustMaterial(row.pem, `trust_material row ${row.id}`).certificates);
  }
}
