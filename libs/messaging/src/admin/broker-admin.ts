import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { EdxError } from '@edx/common';
import { Topology, assertSystemId } from '../topology/topology';

export interface BrokerAdminOptions {
  /** e.g. https://admin:secret@127.0.0.1:15671 (credentials in the URL are sent as Basic auth). */
  managementUrl: string;
  /** For an https:// URL: the CA the management API's certificate chains to (PEM), e.g. the transport CA. */
  caFile?: string;
}

interface AdminResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** A connection as the management API lists it (the fields we use). */
export interface BrokerConnectionInfo {
  name: string;
  vhost: string;
  user: string;
  client_properties?: { connection_name?: string };
  [key: string]: unknown;
}

export interface BrokerPermissions {
  configure: string;
  write: string;
  read: string;
}

/** Escapes a literal for use inside a RabbitMQ permission regex. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The broker user of a connected system. Its AMQP `user_id` property must equal it, so the hub learns
 * from the broker (not from the message) which system sent a message.
 */
export function systemUserName(systemId: string, generation?: number): string {
  return generation === undefined ? `system.${assertSystemId(systemId)}` : `system.${assertSystemId(systemId)}.${generation}`;
}

/**
 * A regular expression (JavaScript and PostgreSQL alike) matching every broker user of a system,
 * `system.<id>` and each `system.<id>.<n>`; any text is taken as the id (a search matches nothing).
 */
export function systemUserPattern(systemId: string): string {
  return `^system\\.${escapeRegex(systemId)}(\\.[0-9]+)?$`;
}

/**
 * Least privilege for a connected system: publish on edx.hub, consume its own inbox, declare nothing.
 * It may not write to edx.dead: a message it cannot handle it rejects, and the broker dead-letters it
 * (x-death names the queue), so no system can forge a dead letter that a replay would trust.
 */
export function systemPermissions(systemId: string): BrokerPermissions {
  return {
    configure: '^$',
    write: `^${escapeRegex(Topology.hubExchange)}$`,
    read: `^${escapeRegex(Topology.systemInbox(systemId))}$`,
  };
}

/**
 * The hub's service user: declares the topology (exchanges, hub.inbound, edx.dead, system inboxes),
 * consumes hub.inbound and edx.dead, publishes on edx.deliver, edx.dead and edx.hub (dead-letter replay).
 * Binding a queue needs write on the queue and read on the exchange. Declaring a queue with
 * x-dead-letter-exchange needs read on the queue (RabbitMQ's guard against exfiltration through a DLX),
 * so the hub also has read on system inboxes: it could consume them, which it never does. To take that
 * away, provision inboxes with a dead-letter policy instead of queue arguments.
 */
export const HUB_PERMISSIONS: BrokerPermissions = {
  configure: '^(edx\\.(hub|deliver|dead)|hub\\.inbound|system\\..+\\.inbox)$',
  write: '^(edx\\.(hub|deliver|dead)|hub\\.inbound|system\\..+\\.inbox)$',
  read: '^(edx\\.(hub|deliver|dead)|hub\\.inbound|system\\..+\\.inbox)$',
};

/**
 * Provisioning through the RabbitMQ management HTTP API. Every method is idempotent and rejects with
 * MESSAGING_BROKER_UNAVAILABLE when the API cannot be reached or answers with an error.
 */
export class BrokerAdmin {
  private readonly base: string;
  private readonly authorization: string;
  private readonly ca: Buffer | undefined;

  constructor(options: BrokerAdminOptions) {
    if (options.caFile) {
      try {
        this.ca = readFileSync(options.caFile);
      } catch (error) {
        throw new EdxError('KEY_INVALID', `The management API's CA file ${options.caFile} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
      }
    }
    const url = new URL(options.managementUrl);
    const user = decodeURIComponent(url.username || 'guest');
    const password = decodeURIComponent(url.password || 'guest');
    url.username = '';
    url.password = '';
    this.base = url.toString().replace(/\/$/, '');
    this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  /** Creates the vhost if it does not exist; an existing one (and its description) is left as it is. */
  async ensureVhost(vhost: string, description?: string): Promise<void> {
    if ((await this.vhostDescription(vhost)) !== undefined) return;
    await this.request('PUT', `/api/vhosts/${enc(vhost)}`, description === undefined ? {} : { description });
  }

  /** The vhost's description ('' when it has none), or undefined when there is no such vhost. */
  async vhostDescription(vhost: string): Promise<string | undefined> {
    const found = (await this.request('GET', `/api/vhosts/${enc(vhost)}`, undefined, [404])) as { description?: string } | undefined;
    return found === undefined ? undefined : (found.description ?? '');
  }

  /** Replaces the vhost's description (edx up records which exchange made the vhost there). */
  async describeVhost(vhost: string, description: string): Promise<void> {
    await this.request('PUT', `/api/vhosts/${enc(vhost)}`, { description });
  }

  /** Deletes a vhost with everything in it; resolves if it does not exist. */
  async deleteVhost(vhost: string): Promise<void> {
    await this.request('DELETE', `/api/vhosts/${enc(vhost)}`, undefined, [404]);
  }

  /**
   * Creates or updates a user with the given tags. With a password it is reset; without one the user
   * has none at all (an empty hash): it can log in only with a client certificate whose common name is
   * its name (EXTERNAL), never with a password on the plain listener.
   */
  async ensureUser(name: string, password?: string, tags: string[] = []): Promise<void> {
    const credential = password === undefined ? { password_hash: '' } : { password };
    await this.request('PUT', `/api/users/${enc(name)}`, { ...credential, tags: tags.join(',') });
  }

  async setPermissions(vhost: string, user: string, permissions: BrokerPermissions): Promise<void> {
    await this.request('PUT', `/api/permissions/${enc(vhost)}/${enc(user)}`, permissions);
  }

  /**
   * User `system.<id>` (or `system.<id>.<generation>`, an enrolment's own) with the least-privilege
   * permissions of `systemPermissions` on `vhost`, and no password: the system logs in with its
   * transport certificate (CN = the user).
   */
  async ensureSystemUser(vhost: string, systemId: string, generation?: number): Promise<string> {
    const name = systemUserName(systemId, generation);
    await this.ensureUser(name);
    await this.setPermissions(vhost, name, systemPermissions(systemId));
    return name;
  }

  /** A service user of the exchange (the hub's, the console's) with HUB_PERMISSIONS on `vhost`; without a password, by certificate only. */
  async ensureServiceUser(vhost: string, name: string, password?: string): Promise<void> {
    await this.ensureUser(name, password);
    await this.setPermissions(vhost, name, HUB_PERMISSIONS);
  }

  /**
   * Refuses a user's next connection and ends the ones it has: the user is deleted, so a certificate
   * naming it logs in as nobody, and the broker itself closes every connection it has (also those
   * the management API's lagging statistics do not list yet). Making the user again (enrolment)
   * lets it in again. Resolves with how many of its connections the API listed.
   */
  async revokeAccess(vhost: string, user: string): Promise<number> {
    const listed = (await this.listConnections(vhost)).filter((c) => c.user === user).length;
    await this.deleteUser(user);
    return listed;
  }

  /** Deletes every broker user of a connected system (`system.<id>` and each enrolment's `system.<id>.<n>`). */
  async deleteSystemUsers(systemId: string): Promise<void> {
    const mine = new RegExp(systemUserPattern(systemId));
    const users = (await this.request('GET', '/api/users')) as Array<{ name: string }>;
    for (const { name } of users) if (mine.test(name)) await this.deleteUser(name);
  }

  /** Deletes a user (its connections are closed by the broker); resolves if it does not exist. */
  async deleteUser(name: string): Promise<void> {
    await this.request('DELETE', `/api/users/${enc(name)}`, undefined, [404]);
  }

  /** Routing keys binding `queue` to `exchange` now (e.g. the agency codes of a system inbox). */
  async listBindingKeys(vhost: string, queue: string, exchange: string = Topology.deliverExchange): Promise<string[]> {
    const bindings = (await this.request('GET', `/api/bindings/${enc(vhost)}/e/${enc(exchange)}/q/${enc(queue)}`)) as Array<{ routing_key: string }>;
    return bindings.map((b) => b.routing_key);
  }

  /**
   * A queue's counters as the management API keeps them (they lag a few seconds): messages ready and
   * unacked, and how often the broker has redelivered one of its messages.
   */
  async queueStats(vhost: string, queue: string): Promise<{ messages: number; redelivered: number }> {
    const q = (await this.request('GET', `/api/queues/${enc(vhost)}/${enc(queue)}`)) as { messages?: number; message_stats?: { redeliver?: number } };
    return { messages: q.messages ?? 0, redelivered: q.message_stats?.redeliver ?? 0 };
  }

  /** Every queue of the vhost with its depth (ready + unacked), as the management API keeps it (lagging a few seconds). */
  async listQueues(vhost: string): Promise<Array<{ name: string; messages: number }>> {
    const queues = (await this.request('GET', `/api/queues/${enc(vhost)}?columns=name,messages`)) as Array<{ name: string; messages?: number }>;
    return queues.map((q) => ({ name: q.name, messages: q.messages ?? 0 }));
  }

  /** Connections the management API knows about (its statistics lag a few seconds behind). */
  async listConnections(vhost?: string): Promise<BrokerConnectionInfo[]> {
    const path = vhost === undefined ? '/api/connections' : `/api/vhosts/${enc(vhost)}/connections`;
    return (await this.request('GET', path)) as BrokerConnectionInfo[];
  }

  /**
   * Force-closes the connections the filter selects (all if none) and resolves with how many.
   * Used by fault tests to simulate a network loss; scope the filter to your own vhost.
   */
  async closeConnections(filter: (conn: BrokerConnectionInfo) => boolean = () => true, vhost?: string): Promise<number> {
    const chosen = (await this.listConnections(vhost)).filter(filter);
    for (const conn of chosen) {
      await this.request('DELETE', `/api/connections/${enc(conn.name)}`, undefined, [404], { 'X-Reason': 'closed by edx BrokerAdmin' });
    }
    return chosen.length;
  }

  private async request(method: string, path: string, body?: unknown, okStatuses: number[] = [], extraHeaders: Record<string, string> = {}): Promise<unknown> {
    let response: AdminResponse;
    const headers = { authorization: this.authorization, 'content-type': 'application/json', ...extraHeaders };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    try {
      response = this.ca ? await this.httpsWithCa(method, `${this.base}${path}`, headers, payload) : await viaFetch(method, `${this.base}${path}`, headers, payload);
    } catch (error) {
      throw new EdxError('MESSAGING_BROKER_UNAVAILABLE', `The broker management API cannot be reached at ${this.base}.`, { path }, { cause: error });
    }
    const text = response.text;
    if (!response.ok && !okStatuses.includes(response.status)) {
      throw new EdxError('MESSAGING_BROKER_UNAVAILABLE', `The broker management API answered ${response.status} to ${method} ${path}: ${text.slice(0, 300)}`, {
        status: response.status,
        path,
      });
    }
    // An accepted error status (e.g. 404 for "already gone") carries no result.
    if (!response.ok) return undefined;
    return text && response.contentType.includes('json') ? JSON.parse(text) : undefined;
  }

  /** HTTPS trusting `ca` only (fetch takes no CA of its own). */
  private httpsWithCa(method: string, url: string, headers: Record<string, string>, payload: string | undefined): Promise<AdminResponse> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method, headers, ca: this.ca, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ ok: status >= 200 && status < 300, status, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

async function viaFetch(method: string, url: string, headers: Record<string, string>, payload: string | undefined): Promise<AdminResponse> {
  const response = await fetch(url, { method, headers, body: payload });
  return { ok: response.ok, status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
