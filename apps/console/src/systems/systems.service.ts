import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { AmqpConnection, BrokerAdmin, declareSystemInbox, systemUserName } from '@edx/messaging';
import { AuditActor, appendAudit } from '@edx/storage';
import { TransportCa, csrPublicKey, publicKeyFingerprint } from '@edx/trust';

/** What an administrator hands to the gateway's operator: shown once, stored as its SHA-256. */
export interface EnrolmentToken {
  readonly systemId: string;
  readonly token: string;
  readonly expiresAt: Date;
}

/** A hosted agency as its gateway needs it: its name, status and every registered certificate. */
export interface HostedAgencyEntry {
  readonly code: string;
  readonly name: string;
  readonly status: string;
  readonly certificates: Array<{ fingerprint: string; pem: string; notBefore: Date; notAfter: Date }>;
}

/** What a gateway receives when it redeems its enrolment token (the secrets in it once). */
export interface Enrolment {
  readonly systemId: string;
  readonly name: string;
  /**
   * The broker connection: amqps://host:5671/vhost (no credentials), the broker user this
   * enrolment has (`system.<id>.<n>`), its transport certificate issued now for the gateway's key
   * (CN = that user; the broker logs it in with EXTERNAL), and the CA the broker's certificate chains to.
   */
  readonly amqp: { readonly url: string; readonly user: string; readonly certificatePem: string; readonly caPem: string };
  /** The system's console credential: it reads the agencies it hosts with it (`GET /v1/systems/:id/directory`). */
  readonly consoleToken: string;
  /** The gateway's HTTPS server certificate for the same key and the names it asked for, when this console issues them (EDX_HTTPS_CA_DIR). */
  readonly https?: { readonly certificatePem: string; readonly caPem: string; readonly hosts: string[] };
  /** PEM: what incoming signatures (the agencies', the hub's) must chain to. */
  readonly trust: { readonly anchors: string[]; readonly intermediates: string[] };
  readonly agencies: HostedAgencyEntry[];
}

export interface SystemSummary {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly amqpUser: string;
  readonly createdAt: Date;
  readonly enrolledAt: Date | null;
  /** When the outstanding enrolment token expires (null: none outstanding). */
  readonly enrolmentExpiresAt: Date | null;
  /** The agencies it hosts, in code order. */
  readonly agencies: ReadonlyArray<{ code: string; name: string; status: string }>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const SYSTEM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** The names a gateway's HTTPS certificate may carry: DNS names or IP addresses, at most 10. */
function checkedHosts(hosts: readonly string[]): string[] {
  if (hosts.length > 10) throw new EdxError('REQUEST_INVALID', 'Ask for at most 10 server names.');
  for (const host of hosts) {
    if (typeof host !== 'string' || !(isIP(host) || /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host))) {
      throw new EdxError('REQUEST_INVALID', `"${String(host)}" is neither a DNS name nor an IP address.`);
    }
  }
  return [...new Set(hosts)];
}

/** Tokens carry what they are for, so one pasted in the wrong place is recognised. */
const ENROLMENT_PREFIX = 'edxenrol_';
const CONSOLE_TOKEN_PREFIX = 'edxsys_';

/**
 * Connected systems and their enrolment. An administrator creates a system (its broker user and inbox
 * queue) and gets a one-time enrolment token; the gateway's operator redeems it from the gateway's
 * machine with a key made there (`edx gateway enrol`), and receives the system's broker credentials,
 * its console token, the trust anchors and the agencies it hosts. The token is bound to the key that
 * redeemed it: the same gateway may run the enrolment again (a crash half-way), another may not.
 */
export class SystemsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly admin: BrokerAdmin,
    private readonly amqp: AmqpConnection,
    private readonly vhost: string,
    private readonly publicAmqpUrl: string,
    private readonly enrolmentTtlMs: number,
    /** Issues systems' transport certificates; undefined: enrolment is refused (CONFIG_INVALID). */
    private readonly transportCa: TransportCa | undefined,
    /** PEM of the CA the broker's own certificate chains to, for gateways to check it. */
    private readonly brokerCaPem: string,
    private readonly transportValidDays = 365,
    /** Issues gateways' HTTPS server certificates at enrolment; undefined: gateways bring their own. */
    private readonly httpsCa?: TransportCa,
  ) {}

  /**
   * Creates the system and its enrolment token. Asking again for a system not enrolled yet, under the
   * same name, gives a new token (the old one stops working); CONFLICT for one enrolled already (a new
   * machine needs `newEnrolmentToken`) or another name.
   */
  async createSystem(id: string, name: string, by: AuditActor): Promise<EnrolmentToken & { reissued: boolean }> {
    if (!SYSTEM_ID.test(id)) throw new EdxError('REQUEST_INVALID', `System id "${id}" must be 1-63 letters, digits, dots, dashes or underscores.`);
    if (!name.trim()) throw new EdxError('REQUEST_INVALID', 'The system needs a name.');
    const [existing]: Array<{ name: string; enrolled_at: Date | null }> = await this.dataSource.query('SELECT name, enrolled_at FROM connected_systems WHERE id = $1', [id]);
    if (existing) {
      if (existing.name !== name.trim()) throw new EdxError('CONFLICT', `Connected system ${id} exists already, named "${existing.name}".`);
      if (existing.enrolled_at) {
        throw new EdxError('CONFLICT', `Connected system ${id} was enrolled at ${existing.enrolled_at.toISOString()}; to enrol it on another machine, issue a new token: \`edx system token ${id}\`.`);
      }
      return { ...(await this.newEnrolmentToken(id, by)), reissued: true };
    }
    // No broker user yet: each enrolment makes its own, for the certificate it issues.
    await this.admin.ensureVhost(this.vhost);
    const amqpUser = systemUserName(id);
    await this.amqp.withChannel((ch) => declareSystemInbox(ch, id, []));
    const { token, expiresAt } = this.freshToken();
    await this.dataSource.transaction(async (em) => {
      await em.query(
        'INSERT INTO connected_systems (id, name, amqp_user, enrolment_token_sha256, enrolment_expires_at) VALUES ($1, $2, $3, $4, $5)',
        [id, name.trim(), amqpUser, sha256(token), expiresAt],
      );
      await appendAudit(em, { actor: by, action: 'system.create', target: id, before: null, after: { id, name: name.trim(), amqpUser, enrolmentExpiresAt: expiresAt.toISOString() } });
    });
    return { systemId: id, token, expiresAt, reissued: false };
  }

  /** An enrolment token and until when it may be redeemed. */
  private freshToken(): { token: string; expiresAt: Date } {
    return { token: `${ENROLMENT_PREFIX}${randomBytes(32).toString('base64url')}`, expiresAt: new Date(Date.now() + this.enrolmentTtlMs) };
  }

  /** A new enrolment token for a system (the previous one stops working); its next redemption may come from a new key. */
  async newEnrolmentToken(id: string, by: AuditActor): Promise<EnrolmentToken> {
    const { token, expiresAt } = this.freshToken();
    await this.dataSource.transaction(async (em) => {
      const [was]: Array<{ enrolment_expires_at: Date | null; enrolled_at: Date | null }> = await em.query(
        'SELECT enrolment_expires_at, enrolled_at FROM connected_systems WHERE id = $1 FOR UPDATE', [id],
      );
      if (!was) throw new EdxError('NOT_FOUND', `Connected system ${id} does not exist; create it with \`edx system add ${id} --name NAME\`.`);
      await em.query(
        'UPDATE connected_systems SET enrolment_token_sha256 = $2, enrolment_expires_at = $3, enrolled_key_sha256 = NULL WHERE id = $1',
        [id, sha256(token), expiresAt],
      );
      await appendAudit(em, {
        actor: by, action: 'system.enrolment-token', target: id,
        before: { enrolledAt: was.enrolled_at?.toISOString() ?? null, enrolmentExpiresAt: was.enrolment_expires_at?.toISOString() ?? null },
        after: { enrolledAt: was.enrolled_at?.toISOString() ?? null, enrolmentExpiresAt: expiresAt.toISOString() },
      });
    });
    return { systemId: id, token, expiresAt };
  }

  /**
   * Redeems an enrolment token for the key `csrPem` proves. Throws ENROLMENT_TOKEN_INVALID (unknown or
   * replaced), ENROLMENT_TOKEN_EXPIRED, ENROLMENT_TOKEN_USED (redeemed by another key), KEY_INVALID
   * (an unreadable or unsigned request) and CONFIG_INVALID (this console has no transport CA). The
   * same key may redeem it again until it expires: a new certificate and console token each time, for
   * the same broker user. A new key (a new token) gets a new broker user and the previous one is
   * deleted, so the earlier certificate, stolen or not, opens nothing any more.
   */
  async enrol(token: string, csrPem: string, hosts: readonly string[] = []): Promise<Enrolment> {
    const serverNames = checkedHosts(hosts);
    if (!token.startsWith(ENROLMENT_PREFIX)) throw new EdxError('ENROLMENT_TOKEN_INVALID', 'This is not an enrolment token (they start with "edxenrol_"); ask the administrator for the one `edx system add` printed.');
    if (!this.transportCa) throw new EdxError('CONFIG_INVALID', "This console has no transport CA to issue the systems' broker certificates: set EDX_TRANSPORT_CA_DIR (ca.key and ca.pem).");
    const ca = this.transportCa;
    const key = publicKeyFingerprint(csrPublicKey(csrPem)); // the key the gateway proved it holds
    const consoleToken = `${CONSOLE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const system = await this.dataSource.transaction(async (em) => {
      const [row]: Array<{ id: string; name: string; amqp_user: string; enrolment_expires_at: Date; enrolled_key_sha256: string | null; enrolled_at: Date | null; broker_generation: number }> = await em.query(
        'SELECT id, name, amqp_user, enrolment_expires_at, enrolled_key_sha256, enrolled_at, broker_generation FROM connected_systems WHERE enrolment_token_sha256 = $1 FOR UPDATE',
        [sha256(token)],
      );
      if (!row) throw new EdxError('ENROLMENT_TOKEN_INVALID', 'The console issued no such enrolment token, or a newer one replaced it; ask the administrator for a new one (`edx system token SYSTEM_ID`).');
      if (row.enrolment_expires_at.getTime() <= Date.now()) {
        throw new EdxError('ENROLMENT_TOKEN_EXPIRED', `The enrolment token of system ${row.id} expired at ${row.enrolment_expires_at.toISOString()}; ask the administrator for a new one (\`edx system token ${row.id}\`).`);
      }
      if (row.enrolled_key_sha256 && row.enrolled_key_sha256 !== key) {
        throw new EdxError('ENROLMENT_TOKEN_USED', `The enrolment token of system ${row.id} was redeemed at ${row.enrolled_at?.toISOString()} by a gateway with another key; a gateway enrols once per token (ask for a new one: \`edx system token ${row.id}\`).`);
      }
      const rerun = row.enrolled_key_sha256 === key;
      const generation = rerun ? row.broker_generation : row.broker_generation + 1;
      const amqpUser = systemUserName(row.id, generation);
      await em.query(
        'UPDATE connected_systems SET enrolled_at = now(), enrolled_key_sha256 = $2, console_token_sha256 = $3, broker_generation = $4, amqp_user = $5 WHERE id = $1',
        [row.id, key, sha256(consoleToken), generation, amqpUser],
      );
      await appendAudit(em, {
        actor: { id: row.id, name: `system ${row.id}`, role: 'system' }, action: 'system.enrol', target: row.id,
        before: { enrolledAt: row.enrolled_at?.toISOString() ?? null, key: row.enrolled_key_sha256, amqpUser: row.amqp_user },
        after: { enrolledAt: new Date().toISOString(), key, amqpUser },
      });
      return { ...row, amqpUser, generation, previousUser: row.amqp_user };
    });
    // After the commit: a failure here leaves the token bound to this key, so the same gateway retries.
    await this.admin.ensureSystemUser(this.vhost, system.id, system.generation);
    if (system.previousUser !== system.amqpUser) await this.admin.revokeAccess(this.vhost, system.previousUser);
    const issued = ca.issueForCsr(csrPem, { commonName: system.amqpUser, purposes: ['client'], validDays: this.transportValidDays });
    const url = new URL(this.publicAmqpUrl);
    url.username = '';
    url.password = '';
    const https = serverNames.length > 0 && this.httpsCa
      ? { certificatePem: this.httpsCa.issueForCsr(csrPem, { commonName: `gateway-${system.id}`, purposes: ['server'], hosts: serverNames, validDays: this.transportValidDays }).certificatePem, caPem: this.httpsCa.certificatePem, hosts: serverNames }
      : undefined;
    return {
      systemId: system.id, name: system.name, ...(https ? { https } : {}),
      amqp: { url: url.toString(), user: system.amqpUser, certificatePem: issued.certificatePem, caPem: this.brokerCaPem },
      consoleToken, trust: await this.trustMaterial(), agencies: await this.hostedAgencies(system.id),
    };
  }

  /**
   * Revokes a connected system's transport certificate at the broker: its broker user is deleted, so
   * the broker closes its open connections and refuses the next one whatever certificate it shows.
   * The system stays in the directory; it connects again only after a new enrolment (a new token),
   * which makes a new broker user. NOT_FOUND for an unknown system.
   */
  async revokeTransport(id: string, reason: string, by: AuditActor): Promise<{ id: string; amqpUser: string; closedConnections: number }> {
    return this.dataSource.transaction(async (em) => {
      const [system]: Array<{ amqp_user: string }> = await em.query('SELECT amqp_user FROM connected_systems WHERE id = $1 FOR UPDATE', [id]);
      if (!system) throw new EdxError('NOT_FOUND', `Connected system ${id} does not exist.`);
      const closedConnections = await this.admin.revokeAccess(this.vhost, system.amqp_user);
      // Its console token goes too: a revoked system reads no directory.
      await em.query('UPDATE connected_systems SET console_token_sha256 = NULL WHERE id = $1', [id]);
      await appendAudit(em, { actor: by, action: 'system.transport-revoke', target: id, before: { amqpUser: system.amqp_user, access: 'granted' }, after: { access: 'revoked', reason, closedConnections } });
      // closedConnections: as the management API listed them (its statistics lag a few seconds); the broker closes them all.
      return { id, amqpUser: system.amqp_user, closedConnections };
    });
  }

  /** The system a console token belongs to; AUTH_REQUIRED for none. */
  async systemOfToken(token: string): Promise<string> {
    const [row]: Array<{ id: string }> = token.startsWith(CONSOLE_TOKEN_PREFIX)
      ? await this.dataSource.query('SELECT id FROM connected_systems WHERE console_token_sha256 = $1', [sha256(token)])
      : [];
    if (!row) throw new EdxError('AUTH_REQUIRED', "Send the system's console token (written by `edx gateway enrol`) as \"Authorization: Bearer <token>\".");
    return row.id;
  }

  /** The agencies a system hosts, each with every certificate registered for it. */
  async hostedAgencies(systemId: string): Promise<HostedAgencyEntry[]> {
    const rows: Array<{ code: string; name: string; status: string; fingerprint: string | null; pem: string | null; not_before: Date | null; not_after: Date | null }> = await this.dataSource.query(
      `SELECT a.code, a.name, a.status, c.fingerprint, c.pem, c.not_before, c.not_after
         FROM agencies a LEFT JOIN agency_certificates c ON c.agency_code = a.code
        WHERE a.system_id = $1 ORDER BY a.code, c.not_before`,
      [systemId],
    );
    const byCode = new Map<string, HostedAgencyEntry>();
    for (const row of rows) {
      const entry = byCode.get(row.code) ?? { code: row.code, name: row.name, status: row.status, certificates: [] };
      byCode.set(row.code, entry);
      if (row.fingerprint) entry.certificates.push({ fingerprint: row.fingerprint, pem: row.pem!, notBefore: row.not_before!, notAfter: row.not_after! });
    }
    return [...byCode.values()];
  }

  async list(): Promise<SystemSummary[]> {
    const rows: Array<{ id: string; name: string; status: string; amqp_user: string; created_at: Date; enrolled_at: Date | null; enrolment_expires_at: Date | null; enrolled_key_sha256: string | null; agencies: SystemSummary['agencies'] }> = await this.dataSource.query(
      `SELECT s.id, s.name, s.status, s.amqp_user, s.created_at, s.enrolled_at, s.enrolment_expires_at, s.enrolled_key_sha256,
              coalesce(json_agg(json_build_object('code', a.code, 'name', a.name, 'status', a.status) ORDER BY a.code COLLATE "C") FILTER (WHERE a.code IS NOT NULL), '[]') AS agencies
         FROM connected_systems s LEFT JOIN agencies a ON a.system_id = s.id
        GROUP BY s.id ORDER BY s.id`,
    );
    return rows.map((r) => ({
      id: r.id, name: r.name, status: r.status, amqpUser: r.amqp_user, createdAt: r.created_at, enrolledAt: r.enrolled_at,
      // A token already redeemed is outstanding only for re-runs by the same gateway.
      enrolmentExpiresAt: r.enrolled_key_sha256 || !r.enrolment_expires_at || r.enrolment_expires_at.getTime() <= Date.now() ? null : r.enrolment_expires_at,
      agencies: r.agencies,
    }));
  }

  private async trustMaterial(): Promise<Enrolment['trust']> {
    const rows: Array<{ kind: string; pem: string }> = await this.dataSource.query("SELECT kind, pem FROM trust_material WHERE kind IN ('anchor', 'intermediate') ORDER BY id");
    return { anchors: rows.filter((r) => r.kind === 'anchor').map((r) => r.pem), intermediates: rows.filter((r) => r.kind === 'intermediate').map((r) => r.pem) };
  }
}
