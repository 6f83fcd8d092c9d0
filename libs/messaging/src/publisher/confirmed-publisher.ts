import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { EdxError, Logger, createLogger } from '@edx/common';
import { AmqpConnection, unavailable } from '../connection/amqp-connection';

export interface PublishProperties {
  /** Required: the dedup key downstream (package id, status id). */
  messageId: string;
  type?: string;
  /** AMQP user_id: the broker refuses (406) a value other than the connection's user, so we check first. */
  userId?: string;
  headers?: Record<string, unknown>;
  /** Ask the broker to return the message when no queue is bound for the routing key. */
  mandatory?: boolean;
  contentType?: string;
  /** Milliseconds since epoch; sent as AMQP seconds. Defaults to now. */
  timestamp?: number;
}

export interface ConfirmedPublisherOptions {
  /** Publishes awaiting their confirm at once; callers beyond it wait for a free slot. Default 1024. */
  maxInFlight?: number;
  /** A publish not confirmed in this time rejects with MESSAGING_PUBLISH_TIMEOUT. Default 10 000. */
  confirmTimeoutMs?: number;
  /** Stamp every publish with user_id = the connection's user (how the hub knows who sent it). */
  publishAsConnectionUser?: boolean;
  /** Called when a message has left for the broker and its confirm has not come back (fault tests' crash point). */
  afterWrite?: () => void;
}

interface Pending {
  readonly messageId: string;
  /** Which publish a basic.return answers: exchange, routing key and message id (returnKey). */
  readonly returnKey: string;
  readonly channel: ConfirmChannel;
  readonly resolve: () => void;
  readonly reject: (error: EdxError) => void;
  timer?: NodeJS.Timeout;
  returned: boolean;
  settled: boolean;
}

/**
 * Publishes persistent messages on a confirm channel: `await publish()` means the broker has the
 * message. Many publishes are in flight at once (pipelined confirms) inside a bounded window.
 *
 * Rejects with EdxError:
 * - MESSAGING_BROKER_UNAVAILABLE: not connected, or the channel/connection closed before the confirm
 *   (the message may or may not have arrived: retrying gives at-least-once; receivers dedupe by messageId);
 * - MESSAGING_PUBLISH_NACKED: the broker nacked it (e.g. a full queue with reject-publish);
 * - MESSAGING_PUBLISH_TIMEOUT: no confirm within confirmTimeoutMs;
 * - ROUTING_RECIPIENT_UNROUTABLE: `mandatory` and no queue is bound for the routing key;
 * - MESSAGING_BAD_MESSAGE: no messageId, or a userId other than the connection's user (never sent:
 *   the broker would close the channel under every other in-flight publish).
 */
export class ConfirmedPublisher {
  private channel: ConfirmChannel | undefined;
  private opening: Promise<ConfirmChannel> | undefined;
  private readonly pending = new Set<Pending>();
  /**
   * Mandatory publishes awaiting their confirm, by returnKey: basic.return arrives before basic.ack.
   * One package goes to several recipients under one message id, so the routing key tells them apart.
   */
  private readonly awaitingReturn = new Map<string, Pending[]>();
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private drained: Promise<void> | undefined;
  private readonly maxInFlight: number;
  private readonly confirmTimeoutMs: number;
  private readonly log: Logger;
  private closed = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly options: ConfirmedPublisherOptions = {},
    logger?: Logger,
  ) {
    this.maxInFlight = options.maxInFlight ?? 1024;
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
    this.log = (logger ?? createLogger('messaging')).child({ component: 'publisher' });
    connection.on('connected', this.onConnected);
  }

  private readonly onConnected = (): void => {
    if (!this.closed) this.ensureChannel().catch(() => undefined);
  };

  /** Resolves when the broker confirmed the message; see the class comment for rejections. */
  async publish(exchange: string, routingKey: string, body: Buffer, properties: PublishProperties): Promise<void> {
    const options = this.toOptions(properties);
    await this.acquireSlot();
    try {
      if (this.closed) throw new EdxError('MESSAGING_BROKER_UNAVAILABLE', 'The publisher is closed.');
      const channel = await this.ensureChannel();
      if (this.drained) await this.drained;
      await this.send(channel, exchange, routingKey, body, options, properties.messageId);
    } finally {
      this.releaseSlot();
    }
  }

  /** Publishes awaiting a confirm right now. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Closes the channel; in-flight publishes reject with MESSAGING_BROKER_UNAVAILABLE. */
  async close(): Promise<void> {
    this.closed = true;
    this.connection.removeListener('connected', this.onConnected);
    const channel = this.channel;
    this.channel = undefined;
    if (channel) await channel.close().catch(() => undefined);
    this.failAll(channel, 'The publisher was closed');
  }

  private toOptions(p: PublishProperties): Options.Publish {
    if (!p.messageId) throw new EdxError('MESSAGING_BAD_MESSAGE', 'A message needs a messageId (used for deduplication).');
    const connectionUser = this.connection.username;
    let userId = p.userId;
    if (userId === undefined && this.options.publishAsConnectionUser) userId = connectionUser;
    if (userId !== undefined && userId !== connectionUser) {
      throw new EdxError(
        'MESSAGING_BAD_MESSAGE',
        `user_id "${userId}" is not the connection's user "${connectionUser}"; the broker would refuse it.`,
        { userId, connectionUser, messageId: p.messageId },
      );
    }
    return {
      persistent: true,
      mandatory: p.mandatory ?? false,
      messageId: p.messageId,
      type: p.type,
      userId,
      headers: p.headers,
      contentType: p.contentType,
      timestamp: Math.floor((p.timestamp ?? Date.now()) / 1000),
    };
  }

  private send(
    channel: ConfirmChannel,
    exchange: string,
    routingKey: string,
    body: Buffer,
    options: Options.Publish,
    messageId: string,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry: Pending = { messageId, returnKey: returnKey(exchange, routingKey, messageId), channel, resolve, reject, returned: false, settled: false };
      this.pending.add(entry);
      if (options.mandatory) {
        const list = this.awaitingReturn.get(entry.returnKey);
        if (list) list.push(entry);
        else this.awaitingReturn.set(entry.returnKey, [entry]);
      }
      entry.timer = setTimeout(() => {
        this.settle(
          entry,
          new EdxError('MESSAGING_PUBLISH_TIMEOUT', `The broker did not confirm message ${messageId} within ${this.confirmTimeoutMs} ms.`, {
            messageId,
            exchange,
            routingKey,
          }),
        );
      }, this.confirmTimeoutMs);
      try {
        const writable = channel.publish(exchange, routingKey, body, options, (err) => {
          if (!err) {
            this.settle(
              entry,
              entry.returned
                ? new EdxError('ROUTING_RECIPIENT_UNROUTABLE', `No queue is bound to "${exchange}" for routing key "${routingKey}".`, {
                    messageId,
                    exchange,
                    routingKey,
                  })
                : undefined,
            );
          } else if (err.message === 'message nacked') {
            this.settle(entry, new EdxError('MESSAGING_PUBLISH_NACKED', `The broker refused message ${messageId}.`, { messageId, exchange, routingKey }));
          } else {
            // The channel is closing: let its close handler settle with the broker's reason first.
            setImmediate(() => this.settle(entry, unavailable(`The channel closed before message ${messageId} was confirmed`, err)));
          }
        });
        this.options.afterWrite?.();
        if (!writable && !this.drained) {
          // The socket buffer is full: hold further publishes until it drains.
          this.drained = new Promise<void>((done) => {
            const release = (): void => {
              channel.removeListener('drain', release);
              channel.removeListener('close', release);
              this.drained = undefined;
              done();
            };
            channel.once('drain', release);
            channel.once('close', release);
          });
        }
      } catch (error) {
        this.settle(entry, unavailable('Could not publish', error));
      }
    });
  }

  private settle(entry: Pending, error?: EdxError): void {
    if (entry.settled) return;
    entry.settled = true;
    if (entry.timer) clearTimeout(entry.timer);
    this.pending.delete(entry);
    const list = this.awaitingReturn.get(entry.returnKey);
    if (list) {
      const index = list.indexOf(entry);
      if (index >= 0) list.splice(index, 1);
      if (list.length === 0) this.awaitingReturn.delete(entry.returnKey);
    }
    if (error) entry.reject(error);
    else entry.resolve();
  }

  private onReturn(channel: ConfirmChannel, message: ConsumeMessage): void {
    const key = returnKey(message.fields.exchange, message.fields.routingKey, String(message.properties.messageId));
    const entry = this.awaitingReturn.get(key)?.find((candidate) => candidate.channel === channel && !candidate.returned);
    if (entry) entry.returned = true;
    else this.log.warn({ messageId: message.properties.messageId, routingKey: message.fields.routingKey }, 'Returned message matches no pending publish');
  }

  private ensureChannel(): Promise<ConfirmChannel> {
    if (this.channel) return Promise.resolve(this.channel);
    if (!this.connection.isConnected) {
      return Promise.reject(new EdxError('MESSAGING_BROKER_UNAVAILABLE', 'Not connected to the message broker; retry later.'));
    }
    if (!this.opening) {
      this.opening = this.openChannel().finally(() => {
        this.opening = undefined;
      });
    }
    return this.opening;
  }

  private async openChannel(): Promise<ConfirmChannel> {
    const channel = await this.connection.createConfirmChannel();
    let lastError: Error | undefined;
    channel.on('error', (error: Error) => {
      lastError = error;
      this.log.warn({ err: error.message }, 'Publisher channel error');
    });
    channel.on('return', (message: ConsumeMessage) => this.onReturn(channel, message));
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
      this.failAll(channel, lastError ? `The channel closed: ${lastError.message}` : 'The channel closed');
    });
    if (this.closed) {
      await channel.close().catch(() => undefined);
      throw new EdxError('MESSAGING_BROKER_UNAVAILABLE', 'The publisher is closed.');
    }
    this.channel = channel;
    return channel;
  }

  private failAll(channel: ConfirmChannel | undefined, reason: string): void {
    for (const entry of [...this.pending]) {
      if (channel === undefined || entry.channel === channel) {
        this.settle(entry, new EdxError('MESSAGING_BROKER_UNAVAILABLE', `${reason}; message ${entry.messageId} may not have arrived.`, {
          messageId: entry.messageId,
        }));
      }
    }
  }

  private acquireSlot(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.inFlight--;
  }
}

/** A returned message names its exchange, routing key and message id: together they name the publish. */
function returnKey(exchange: string, routingKey: string, messageId: string): string {
  return `${exchange}\u0000${routingKey}\u0000${messageId}`;
}
