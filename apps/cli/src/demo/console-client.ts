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
  /** The gateway's HTTPS certificate for the same key, when the console issues them. */
  readonly https?: { readonly certificatePem: string; readonly caPem: string; readonly hosts: string[] };
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

/** An agency's contact details (each optional; null clears one). */
export interface AgencyContactFields {
  readonly contactPerson?: string | null;
  readonly mail?: string | null;
  readonly phone?: string | null;
  readonly address?: string | null;
}

/** One row's result of an agency-list import. */
export interface ImportRowResult {
  readonly row: number;
  readonly code: string | null;
  readonly result: 'created' | 'updated' | 'unchanged' | 'refused';
  readonly errorCode?: string;
  readonly message?: string;
}

export interface ImportSummary {
  readonly total: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly refused: number;
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
  static enrol(baseUrl: string, token: string, csr: string, options: { readonly ca?: string; readonly hosts?: readonly string[] } = {}): Promise<Enrolment> {
    return new ConsoleClient(baseUrl, '', options).call('POST', '/v1/enrolments', { token, csr, ...(options.hosts?.length ? { hosts: options.hosts } : {}) });
  }

  addAgency(input: { code: string; name: string; systemId: string; certificatePem?: string; parentCode?: string | null } & AgencyContactFields): Promise<{ code: string }> {
    return this.call('POST', '/v1/agencies', input);
  }

  /** Sets an agency's contact details (administrator). */
  setAgencyContacts(code: string, contacts: AgencyContactFields): Promise<void> {
    return this.call('PATCH', `/v1/agencies/${encodeURIComponent(code)}`, contacts);
  }

  /** Retires a code into a successor (a merger, or a rename when the successor is new), or closes it (administrator). */
  retireAgency(code: string, successor?: string): Promise<{ code: string; kind: string; successor: string | null; current: string; changed: boolean }> {
    return this.call('POST', `/v1/agencies/${encodeURIComponent(code)}/retire`, successor ? { successor } : {});
  }

  /** A code's history, also for a retired code (operator). */
  agencyHistory(code: string): Promise<{ code: string; current: string; retired: boolean; events: Array<{ code: string; kind: string; successor: string | null; at: string; by: string }> }> {
    return this.call('GET', `/v1/agencies/${encodeURIComponent(code)}/history`);
  }

  /** The current directory in the axis's agency-list shape, as the console writes it (JSON or CSV text). */
  async exportAgencies(format: 'json' | 'csv'): Promise<string> {
    const res = await this.send('GET', `/v1/agencies/export?format=${format}`);
    if (!res.ok) await this.fail(res, 'GET', '/v1/agencies/export');
    return Buffer.from(await res.arrayBuffer()).toString('utf8');
  }

  /**
   * Imports an agency list (administrator). The console streams one JSON line per row as it is done
   * (NDJSON); `onRow` sees each, and the summary comes last. Rejects with the console's error when
   * the file is refused as a whole, or with the error it reports after some rows.
   */
  async importAgencies(file: string, format: 'json' | 'csv', systemId: string | undefined, onRow: (row: ImportRowResult) => void): Promise<ImportSummary> {
    const query = new URLSearchParams({ format, ...(systemId ? { systemId } : {}) });
    const path = `/v1/agencies/import?${query}`;
    const res = await this.send('POST', path, { 'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json', accept: 'application/x-ndjson' }, file);
    if (!res.ok || !res.body) return this.fail(res, 'POST', path);
    let summary: ImportSummary | undefined;
    let pending = '';
    const take = (line: string) => {
      if (!line.trim()) return;
      const item = JSON.parse(line);
      if (item.summary) summary = item.summary;
      else if (item.error) {
        const code = isErrorCode(item.error.code) ? item.error.code : 'INTERNAL_ERROR';
        throw new EdxError(code, item.error.message, item.error.details);
      } else onRow(item as ImportRowResult);
    };
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop()!;
      lines.forEach(take);
    }
    take(pending + decoder.decode());
    if (!summary) throw new EdxError('INTERNAL_ERROR', `The console's answer to ${path} ended before its summary.`);
    return summary;
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
    const res = await this.send(method, path, body ? { 'content-type': 'application/json' } : {}, body ? JSON.stringify(body) : undefined);
    if (!res.ok) return this.fail(res, method, path);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
    try {
      return await this.fetch(`${this.baseUrl}${path}`, { method, headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers }, body });
    } catch (error) {
      if (error instanceof EdxError) throw error;
      throw new EdxError('REQUEST_INVALID', `The console at ${this.baseUrl} cannot be reached: ${(error as Error).message}`);
    }
  }

  /** Throws the console's error answer as an EdxError with its code. */
  private async fail(res: Response, method: string, path: string): Promise<never> {
    const text = await res.text();
    let payload: { code?: unknown; message?: string; details?: Record<string, unknown> } | undefined;
    try {
      payload = text ? JSON.parse(text) : undefined;
    } catch {
      payload = undefined;
    }
    const code = typeof payload?.code === 'string' && isErrorCode(payload.code) ? payload.code : 'INTERNAL_ERROR';
    throw new EdxError(code, payload?.message ?? `${method} ${path} answered ${res.status}`, payload?.details);
  }
}
