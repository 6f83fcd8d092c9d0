import { EventEmitter } from 'node:events';
import * as amqp from 'amqplib';
import { EdxError, Logger, createLogger, redactUrl } from '@edx/common';
import { AmqpTlsFiles, certificateUser, tlsSocketOptions } from './amqp-tls';

export interface AmqpOptions {
  /** `amqps://host:5671/vhost` with `tls`; `amqp://user:password@host:5672/vhost` only where plain AMQP is allowed. */
  url: string;
  /**
   * TLS files for an `amqps://` URL. With a client certificate the connection logs in with the
   * EXTERNAL mechanism as the certificate's common name, and the URL holds no password.
   */
  tls?: AmqpTlsFiles;
  /** Shown in the management UI (client property `connection_name`); name the process, e.g. `hub-1`. */
  connectionName: string;
  heartbeatSeconds?: number;
  reconnect?: { initialMs: number; maxMs: number };
}

export type TopologySetup = (ch: amqp.ConfirmChannel) => Promise<void>;

const DEFAULT_RECONNECT = { initialMs: 250, maxMs: 15_000 };

/**
 * One AMQP connection that heals itself. `start()` resolves on the first successful connect (topology
 * declared); after that, whenever the connection drops, it reconnects forever with exponential backoff
 * and full jitter, re-runs every `onTopology` setup, and only then emits `connected` so that publishers
 * and consumers reopen their channels on a declared topology.
 *
 * Events: `connected`, `disconnected` (with the reason), `error` (a failed attempt; informational: the
 * loop keeps going, so listening to it is optional).
 */
export class AmqpConnection extends EventEmitter {
  private model: amqp.ChannelModel | undefined;
  private readonly setups: TopologySetup[] = [];
  private closing = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private readonly log: Logger;
  /** The broker user this connection authenticates as: its client certificate's CN, else the URL's (amqplib's default is guest). */
  readonly username: string;

  constructor(
    readonly options: AmqpOptions,
    logger?: Logger,
  ) {
    super();
    this.log = (logger ?? createLogger('messaging')).child({ component: 'amqp', connection: options.connectionName });
    if (options.tls && !options.url.startsWith('amqps:')) {
      throw new EdxError('CONFIG_INVALID', `TLS files are given for the plain broker URL ${redactUrl(options.url)}; use amqps://host:5671/vhost.`);
    }
    if (options.tls) tlsSocketOptions(options.tls); // a missing file fails here, not in the reconnect loop
    this.username = options.tls?.certFile ? certificateUser(options.tls.certFile) : usernameOf(options.url);
    // 'error' without a listener would crash the process: the reconnect loop already handles it.
    this.on('error', () => undefined);
    this.setMaxListeners(100); // one per publisher and consumer
  }

  get isConnected(): boolean {
    return this.model !== undefined;
  }

  /** Registers a topology setup, run on every (re)connect before `connected` is emitted. */
  onTopology(setup: TopologySetup): void {
    this.setups.push(setup);
  }

  /** Resolves once connected the first time; keeps retrying (with backoff) until then. */
  start(): Promise<void> {
    this.closing = false;
    if (this.model) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.once('connected', () => resolve());
      if (!this.connecting && !this.reconnectTimer) void this.connectOnce();
    });
  }

  /**
   * Opens a channel on the current connection. Rejects with MESSAGING_BROKER_UNAVAILABLE when not connected.
   */
  async createConfirmChannel(): Promise<amqp.ConfirmChannel> {
    const model = this.requireModel();
    try {
      return await model.createConfirmChannel();
    } catch (error) {
      throw unavailable('Could not open a channel', error);
    }
  }

  async createChannel(): Promise<amqp.Channel> {
    const model = this.requireModel();
    try {
      return await model.createChannel();
    } catch (error) {
      throw unavailable('Could not open a channel', error);
    }
  }

  /** Runs `work` on a channel of its own, closed afterwards whatever happens; rejects as `work` or `createChannel` does. */
  async withChannel<T>(work: (ch: amqp.Channel) => Promise<T>): Promise<T> {
    const ch = await this.createChannel();
    try {
      return await work(ch);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  /** Closes the connection and stops reconnecting. Resolves when closed. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.connecting?.catch(() => undefined);
    const model = this.model;
    this.model = undefined;
    if (model) {
      try {
        await model.close();
      } catch {
        // already closing or gone: nothing left to release
      }
      this.emit('disconnected', 'closed by the application');
    }
  }

  private requireModel(): amqp.ChannelModel {
    if (!this.model) {
      throw new EdxError('MESSAGING_BROKER_UNAVAILABLE', 'Not connected to the message broker; retry later.', {
        connection: this.options.connectionName,
      });
    }
    return this.model;
  }

  private connectOnce(): Promise<void> {
    this.connecting = this.doConnect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    let model: amqp.ChannelModel | undefined;
    try {
      model = await amqp.connect(this.options.url, {
        // Nagle's algorithm delays small frames (confirms, acks) by up to 40 ms: 10x slower confirms.
        noDelay: true,
        heartbeat: this.options.heartbeatSeconds ?? 15,
        clientProperties: { connection_name: this.options.connectionName },
        ...this.tlsOptions(),
      });
      model.on('error', (error: Error) => this.log.warn({ err: error.message }, 'AMQP connection error'));
      // A resource alarm (memory, disk) pauses publishers: confirms stop until it clears.
      model.on('blocked', (reason: string) => this.log.warn({ reason }, 'The broker blocked publishing (resource alarm)'));
      model.on('unblocked', () => this.log.info('The broker unblocked publishing'));
      if (this.setups.length > 0) {
        const ch = await model.createConfirmChannel();
        ch.on('error', () => undefined); // the rejected promise below carries the reason
        for (const setup of this.setups) await setup(ch);
        await ch.close();
      }
      if (this.closing) {
        await model.close().catch(() => undefined);
        return;
      }
      const connected = model;
      connected.on('close', (error?: Error) => this.onConnectionLost(connected, error));
      this.model = connected;
      this.attempt = 0;
      this.log.info({ url: redactUrl(this.options.url) }, 'Connected to the message broker');
      this.emit('connected');
    } catch (error) {
      if (model) await model.close().catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn({ err: message, attempt: this.attempt + 1 }, 'Could not connect to the message broker or declare the topology; retrying');
      this.emit('error', unavailable('Connect attempt failed', error));
      this.scheduleReconnect();
    }
  }

  /** Read at every connect (a renewed certificate is used from the next reconnect); EXTERNAL with a client certificate. */
  private tlsOptions(): Record<string, unknown> {
    const tls = this.options.tls;
    if (!tls) return {};
    return { ...tlsSocketOptions(tls), ...(tls.certFile ? { credentials: amqp.credentials.external() } : {}) };
  }

  private onConnectionLost(model: amqp.ChannelModel, error?: Error): void {
    if (this.model !== model) return;
    this.model = undefined;
    const reason = error?.message ?? 'connection closed';
    this.log.warn({ reason }, 'Lost the message broker connection; reconnecting');
    this.emit('disconnected', reason);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closing || this.reconnectTimer) return;
    const { initialMs, maxMs } = this.options.reconnect ?? DEFAULT_RECONNECT;
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(this.attempt, 20));
    this.attempt++;
    // "Full jitter": spreads the reconnects of many processes after a broker restart.
    const delay = Math.round(initialMs / 2 + Math.random() * (ceiling - initialMs / 2));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closing) void this.connectOnce();
    }, delay);
  }
}

function usernameOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.username ? decodeURIComponent(parsed.username) : 'guest';
  } catch {
    return 'guest';
  }
}

export function unavailable(what: string, error: unknown): EdxError {
  const reason = error instanceof Error ? error.message : String(error);
  return new EdxError('MESSAGING_BROKER_UNAVAILABLE', `${what}: ${reason}`, { reason }, { cause: error });
}
