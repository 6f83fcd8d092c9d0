import { EdxError, Fetch, isErrorCode, tlsFetch } from '@edx/common';
import type { DeliveryProof } from '@edx/trust';

export interface CheckpointRequest {
  readonly id: string;
  readonly requestedAt: string;
  readonly checkpoint: { seq: number; at: string; head: string; token: string; publishedAt: string | null } | null;
}

/** A named console account as the console shows it (never its token, but once when it is made). */
export interface ConsoleUser {
  readonly id: string;
  readonly name: string;
  readonly role: 'admin' | 'operator';
  readonly state: 'active' | 'expired' | 'revoked';
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export interface EnrolmentToken {
  readonly systemId: string;
  readonly token: string;
  readonly expiresAt: string;
}

export interface ConnectedSystem {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly amqpUser: string;
  readonly enrolledAt: string | null;
  readonly enrolmentExpiresAt: string | null;
  readonly agencies: Array<{ code: string; name: string; status: string }>;
}

/** What the console answers a redeemed enrolment token with (see the console's SystemsService). */
export interface Enrolment {
  readonly systemId: string;
  readonly name: string;
  /** amqps URL (no credentials), the broker user, its certificate for the gateway's key, the broker's CA. */
  readonly amqp: { readonly url: string; readonly user: string; readonly certificatePem: string; readonly caPem: string };
  readonly consoleToken: string;
  readonly trust: { readonly anchors: string[]; readonly intermediates: string[] };
  readonly agencies: Array<{ code: string; name: string; status: string; certificates: Array<{ fingerprint: string; pem: string }> }>;
}

/** Filters of the directory search (`GET /v1/agencies`). */
export interface AgencyFilter {
  readonly q?: string;
  readonly status?: string;
  readonly parent?: string;
  readonly limit?: string;
  readonly cursor?: string;
}

/** The console's REST API as the CLI and the demo setup use it (never its tables), over HTTPS. */
export class ConsoleClient {
  private readonly fetch: Fetch;

  /** `ca`: PEM of the CA the console's certificate chains to (the exchange's transport CA); without it, the system's roots. */
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    options: { readonly ca?: string } = {},
  ) {
    this.fetch = tlsFetch({ ca: options.ca });
  }

  /** Creates a connected system (administrator); the answer holds its one-time enrolment token, shown this once. */
  createSystem(id: string, name: string): Promise<EnrolmentToken & { reissued: boolean }> {
    return this.call('POST', '/v1/systems', { id, name });
  }

  /** A new enrolment token for a system (administrator): the previous one stops working. */
  newEnrolmentToken(id: string): Promise<EnrolmentToken> {
    return this.call('POST', `/v1/systems/${encodeURIComponent(id)}/enrolment-token`, {});
  }

  listSystems(): Promise<{ items: ConnectedSystem[] }> {
    return this.call('GET', '/v1/systems');
  }

  /** Redeems an enrolment token (no console account: the token is the credential). */
  static enrol(baseUrl: string, token: string, csr: string, options: { readonly ca?: string } = {}): Promise<Enrolment> {
    return new ConsoleClient(baseUrl, '', options).call('POST', '/v1/enrolments', { token, csr });
  }

  addAgency(input: { code: string; name: string; systemId: string; certificatePem?: string; parentCode?: string | null }): Promise<{ code: string }> {
    return this.call('POST', '/v1/agencies', input);
  }

  addTrust(kind: 'anchors' | 'intermediates' | 'crls', pem: string, label?: string): Promise<{ id: string }> {
    return this.call('POST', `/v1/trust/${kind}`, { pem, label });
  }

  /** Registers another signing certificate for an agency (the start of a rotation). */
  addCertificate(code: string, certificatePem: string): Promise<{ fingerprint: string; serialNumber: string; subject: string; notAfter: string }> {
    return this.call('POST', `/v1/agencies/${encodeURIComponent(code)}/certificates`, { certificatePem });
  }

  /** Retires a registered certificate (the end of a rotation): the hub refuses it from its next directory read. */
  retireCertificate(code: string, fingerprint: string): Promise<{ fingerprint: string; status: 'retired'; retiredAt: string }> {
    return this.call('DELETE', `/v1/agencies/${encodeURIComponent(code)}/certificates/${encodeURIComponent(fingerprint)}`);
  }

  /** The registered certificates, soonest expiry first (operator). */
  listCertificates(filter: { agency?: string; status?: string } = {}): Promise<{ items: Array<{ agencyCode: string; fingerprint: string; serialNumber: string; notAfter: string; daysToExpiry: number; status: string }> }> {
    const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')).toString();
    return this.call('GET', `/v1/certificates${query ? `?${query}` : ''}`);
  }

  setAgencyStatus(code: string, status: 'active' | 'suspended'): Promise<void> {
    return this.call('PATCH', `/v1/agencies/${encodeURIComponent(code)}`, { status });
  }

  /** One page of the directory (operator), in code order; `total` counts every match. */
  listAgencies(filter: AgencyFilter = {}): Promise<{ items: Array<Record<string, unknown>>; total: number; nextCursor: string | null }> {
    const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
    const q = query.toString();
    return this.call('GET', `/v1/agencies${q ? `?${q}` : ''}`);
  }

  /** Every agency matching the filter, page after page. */
  async allAgencies(filter: Omit<AgencyFilter, 'cursor' | 'limit'> = {}): Promise<{ items: Array<Record<string, unknown>>; total: number }> {
    const items: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.listAgencies({ ...filter, limit: '500', cursor });
      items.push(...page.items);
      if (!page.nextCursor) return { items, total: page.total };
      cursor = page.nextCursor;
    }
  }

  /** One agency with its parent and children (operator). */
  agency(code: string): Promise<Record<string, unknown> & { parent: Record<string, unknown> | null; children: Array<Record<string, unknown>> }> {
    return this.call('GET', `/v1/agencies/${encodeURIComponent(code)}`);
  }

  /** A named console account (administrator); the answer holds its token, shown this once. */
  addUser(input: { name: string; role: 'admin' | 'operator'; expiresInDays?: number }): Promise<ConsoleUser & { token: string }> {
    return this.call('POST', '/v1/users', input);
  }

  listUsers(): Promise<{ items: ConsoleUser[] }> {
    return this.call('GET', '/v1/users');
  }

  revokeUser(id: string): Promise<ConsoleUser> {
    return this.call('DELETE', `/v1/users/${encodeURIComponent(id)}`);
  }

  /** Walks the event chain of every document, or of one (operator). */
  auditChain(
    documentId?: string,
    checkpoint?: { seq: number; head: string },
  ): Promise<{ ok: boolean; documents: number; events: number; broken: Array<{ documentId: string; seq: number; reason: string }>; checkpoint?: { seq: number; head: string; ok: boolean; reason?: string; entries: number } }> {
    const query = new URLSearchParams();
    if (documentId) query.set('document', documentId);
    if (checkpoint) {
      query.set('checkpoint', String(checkpoint.seq));
      query.set('head', checkpoint.head);
    }
    const q = query.toString();
    return this.call('GET', `/v1/audit/chain${q ? `?${q}` : ''}`);
  }

  /** Asks the hub for a chain checkpoint now (operator); `checkpoint` is null until the hub took it. */
  requestCheckpoint(): Promise<CheckpointRequest> {
    return this.call('POST', '/v1/audit/checkpoints', {});
  }

  checkpointRequest(id: string): Promise<CheckpointRequest> {
    return this.call('GET', `/v1/audit/checkpoints/requests/${encodeURIComponent(id)}`);
  }

  /** A document's journey in time order (operator). */
  trace(documentId: string): Promise<{ id: string; document: Record<string, unknown> | null; entries: Array<{ at: string; kind: string; by: string; summary: string }> }> {
    return this.call('GET', `/v1/documents/${encodeURIComponent(documentId)}/trace`);
  }

  /** A document's proof of delivery (operator). */
  proof(documentId: string): Promise<DeliveryProof> {
    return this.call('GET', `/v1/documents/${encodeURIComponent(documentId)}/proof`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      if (error instanceof EdxError) throw error;
      throw new EdxError('REQUEST_INVALID', `The console at ${this.baseUrl} cannot be reached: ${(error as Error).message}`);
    }
    const text = await res.text();
    const payload = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const code = typeof payload?.code === 'string' && isErrorCode(payload.code) ? payload.code : 'INTERNAL_ERROR';
      throw new EdxError(code, payload?.message ?? `${method} ${path} answered ${res.status}`, payload?.details);
    }
    return payload as T;
  }
}
