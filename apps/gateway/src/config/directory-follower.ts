import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EdxError, Fetch, GatewayConfig, Logger, toEdxError, writePrivateFile } from '@edx/common';
import { Certificate, TrustStore, assertOwnSignatureAccepted, loadIdentity, publicKeyFingerprint } from '@edx/trust';
import { HostedAgencies } from './hosted-agencies';

/** One agency the console says this system hosts, as `GET /v1/systems/:id/directory` answers. */
interface DirectoryAgency {
  readonly code: string;
  readonly name: string;
  readonly status: string;
  readonly certificates: Array<{ fingerprint: string; pem: string }>;
}

/** Why a hosted agency is not served here yet (logged once per reason). */
export interface PendingAgency {
  readonly code: string;
  readonly reason: string;
}

const CACHE_FILE = 'directory-cache.json';
/** A recipient this gateway does not know yet asks the console again, at most this often. */
const ON_DEMAND_MIN_MS = 1000;

/**
 * Keeps the hosted agencies in step with the console's directory while the gateway runs: an agency
 * the directory gives this system is hosted as soon as its key is on this machine (`edx gateway key`)
 * and a certificate registered for it holds that key and would be accepted by receivers; an agency
 * moved away is dropped. The last answer is kept beside the configuration, so the gateway starts
 * with its agencies while the console is away.
 */
export class DirectoryFollower {
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private lastOnDemand = 0;
  private onDemand?: Promise<void>;
  private readonly fromDirectory = new Set<string>();
  private pendingAgencies: PendingAgency[] = [];
  private readonly cacheFile: string;
  private readonly console: NonNullable<GatewayConfig['console']>;

  constructor(
    private readonly config: GatewayConfig & { console: NonNullable<GatewayConfig['console']> },
    private readonly agencies: HostedAgencies,
    private readonly trustStore: TrustStore,
    private readonly keyPassphrase: string | undefined,
    /** HTTPS to the console, trusting the CA of the gateway's configuration (`transportCa`). */
    private readonly fetch: Fetch,
    private readonly logger: Logger,
  ) {
    this.console = config.console;
    this.cacheFile = path.join(path.dirname(config.console.tokenFile), CACHE_FILE);
  }

  /** Hosts what the last answer said, then asks the console (a failure is logged: the cache stands); then every refreshMs. */
  async start(): Promise<void> {
    const cached = this.readCache();
    if (cached) this.apply(cached);
    await this.refresh().catch((error) => this.logger.warn({ err: toEdxError(error).message }, 'directory not read from the console; serving the agencies it gave last'));
    this.timer = setInterval(() => void this.refresh().catch((error) => this.logger.warn({ err: toEdxError(error).message }, 'directory refresh failed')), this.console.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Asks the console again, for a recipient this gateway does not know (an agency added a moment
   * ago). Callers in the same second share one read, which starts after the last one began plus a
   * second, so a flood of strays does not flood the console, yet every caller gets an answer given
   * after it asked. Never rejects.
   */
  refreshForUnknown(): Promise<void> {
    this.onDemand ??= (async () => {
      const wait = this.lastOnDemand + ON_DEMAND_MIN_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // A read already under way may have been answered before the agency was added: ask anew after it.
      await this.inFlight?.catch(() => undefined);
      this.onDemand = undefined;
      this.lastOnDemand = Date.now();
      await this.refresh().catch((error) => this.logger.warn({ err: toEdxError(error).message }, 'directory refresh failed'));
    })();
    return this.onDemand;
  }

  /** Reads the directory once and applies it; rejects when the console cannot be asked. Concurrent calls share one request. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchDirectory()
      .then((agencies) => {
        this.apply(agencies);
        writePrivateFile(this.cacheFile, JSON.stringify({ systemId: this.config.systemId, at: new Date().toISOString(), agencies }, null, 2));
      })
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchDirectory(): Promise<DirectoryAgency[]> {
    const token = readFileSync(this.console.tokenFile, 'utf8').trim();
    const url = `${this.console.url}/v1/systems/${encodeURIComponent(this.config.systemId)}/directory`;
    let res: Response;
    try {
      res = await this.fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new EdxError('REQUEST_INVALID', `The console at ${this.console.url} cannot be reached: ${(error as Error).message}`);
    }
    const body = (await res.json().catch(() => undefined)) as { agencies?: DirectoryAgency[]; code?: string; message?: string } | undefined;
    if (!res.ok || !Array.isArray(body?.agencies)) {
      throw new EdxError('CONFIG_INVALID', `The console refused this gateway's directory request (${res.status} ${body?.code ?? ''}: ${body?.message ?? 'no answer'}); enrol it again with a new token (\`edx system token ${this.config.systemId}\`, then \`edx gateway enrol\`).`);
    }
    return body.agencies;
  }

  private apply(directory: readonly DirectoryAgency[]): void {
    const pending: PendingAgency[] = [];
    const listed = new Set(directory.map((a) => a.code));
    for (const agency of directory) {
      try {
        const served = this.serve(agency);
        if (!served) pending.push({ code: agency.code, reason: `no key on this machine: run \`edx gateway key ${agency.code}\` in the gateway's folder` });
      } catch (error) {
        pending.push({ code: agency.code, reason: toEdxError(error).message });
      }
    }
    for (const code of [...this.fromDirectory]) {
      if (listed.has(code)) continue;
      this.agencies.drop(code);
      this.fromDirectory.delete(code);
      this.logger.info({ agency: code }, 'agency no longer hosted by this system (directory)');
    }
    for (const p of pending) if (!this.pendingAgencies.some((q) => q.code === p.code && q.reason === p.reason)) this.logger.warn({ agency: p.code, reason: p.reason }, 'hosted agency not served yet');
    this.pendingAgencies = pending;
  }

  /** Hosts one agency when its key is here and a registered certificate holds it; false when there is no key. */
  private serve(agency: DirectoryAgency): boolean {
    const folder = path.join(this.config.agencyKeys, agency.code);
    const keyFile = path.join(folder, 'key.pem');
    const apiKeyFile = path.join(folder, 'api-key.sha256');
    if (!existsSync(keyFile) || !existsSync(apiKeyFile)) return false;
    const keyPem = readFileSync(keyFile, 'utf8');
    const mine = publicKeyFingerprint(createPrivateKey({ key: keyPem, passphrase: this.keyPassphrase }));
    const now = Date.now();
    const holding = agency.certificates
      .map((c) => Certificate.from(c.pem))
      .filter((c) => publicKeyFingerprint(c.native.publicKey) === mine && c.notBefore.getTime() <= now && now < c.notAfter.getTime())
      .sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime());
    if (holding.length === 0) throw new EdxError('CERT_OWN_REFUSED', `No certificate registered for ${agency.code} holds the key in ${keyFile} and is valid now: have the CA issue one for ${path.join(folder, 'request.csr')} and register it (\`edx agency add --code ${agency.code} ... --cert cert.pem\`).`);
    const identity = loadIdentity({ pem: { key: keyPem, cert: holding[0].pem, passphrase: this.keyPassphrase } });
    assertOwnSignatureAccepted(identity, this.trustStore, agency.code, { who: `Agency ${agency.code}`, fix: 'Register a certificate issued under the trust anchors this gateway enrolled with.' });
    const current = this.agencies.get(agency.code);
    const apiKeySha256 = readFileSync(apiKeyFile, 'utf8').trim();
    this.agencies.host({ code: agency.code, name: agency.name, identity }, apiKeySha256);
    this.fromDirectory.add(agency.code);
    if (current?.identity.certificate.fingerprint !== identity.certificate.fingerprint) {
      writePrivateFile(path.join(folder, 'cert.pem'), holding[0].pem);
      this.logger.info({ agency: agency.code, certificate: identity.certificate.fingerprint }, current ? 'agency now signs with another certificate' : 'agency hosted (directory)');
    }
    return true;
  }

  private readCache(): DirectoryAgency[] | undefined {
    if (!existsSync(this.cacheFile)) return undefined;
    try {
      const cached = JSON.parse(readFileSync(this.cacheFile, 'utf8')) as { systemId?: string; agencies?: DirectoryAgency[] };
      return cached.systemId === this.config.systemId && Array.isArray(cached.agencies) ? cached.agencies : undefined;
    } catch {
      return undefined; // a damaged cache is only a missed head start: the console is asked next
    }
  }
}
