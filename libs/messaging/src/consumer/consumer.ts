import type { Channel, ConsumeMessage } from 'amqplib';
import { EdxError, Logger, createLogger, toEdxError } from '@edx/common';
import { AmqpConnection, unavailable } from '../connection/amqp-connection';
import { ConfirmedPublisher } from '../publisher/confirmed-publisher';
import { Topology } from '../topology/topology';
import { DeadLetterHeaders, Outcome } from './outcome';

export interface InboundMessage {
  body: Buffer;
  messageId?: string;
  userId?: string;
  type?: string;
  headers: Record<string, unknown>;
  routingKey: string;
  redelivered: boolean;
  /** Earlier deliveries of this message (quorum queues count them); absent on the first delivery. */
  deliveryCount?: number;
}

export interface ConsumerOptions {
  queue: string;
  /** Unacknowledged messages the broker hands this consumer at once. */
  prefetch: number;
  /**
   * Hand the handler up to maxSize messages, `concurrency` batches at a time (default 1): while
   * they run, what arrives waits and goes as the next batch the moment one ends (a group commit:
   * batches grow with the load). With nothing running a batch starts after at most maxWaitMs (0: at
   * once). With one batch at a time a message never overtakes one received before it; with more,
   * `orderKey` says which must not. Default: batches of 1, each at once.
   */
  batch?: { maxSize: number; maxWaitMs: number; concurrency?: number };
  /**
   * Messages with the same key are handled in the order they arrived: one never goes to the handler
   * while an earlier one with its key is unsettled (with the handler, waiting for a retry, or still
   * waiting for its batch); in one batch they keep their order. Messages of other keys pass them.
   * Required for `batch.concurrency` above 1.
   */
  orderKey?: (message: InboundMessage) => string;
  /** Default retry delay: initialMs x 2^attempt, capped at maxMs. Default 1 000 / 30 000. */
  retryBackoff?: { initialMs: number; maxMs: number };
  /**
   * How a message is dead-lettered. `publish` (the hub): a confirmed copy to edx.dead with the reason
   * headers, stamped with this connection's user_id so the recorder knows the hub wrote them.
   * `reject`: the broker dead-letters it through the queue's dead-letter exchange (x-death says
   * where and why); for connected systems, which may not write to edx.dead. Default `publish`.
   */
  deadLetterBy?: 'publish' | 'reject';
}

export type BatchHandler = (messages: InboundMessage[]) => Promise<Outcome[]>;

/** Codes that mean a dependency every message needs is away: the consumer pauses instead of spinning. */
const DEPENDENCY_CODES: ReadonlySet<string> = new Set(['STORAGE_UNAVAILABLE', 'MESSAGING_BROKER_UNAVAILABLE']);

interface Delivery {
  readonly raw: ConsumeMessage;
  readonly channel: Channel;
  readonly message: InboundMessage;
  /** Its orderKey, when the consumer has one. */
  readonly key?: string;
}

/**
 * Consumes a queue with manual acks and hands messages to a batch handler that returns one Outcome
 * per message. A message is acked only after the handler resolved (the handler commits first).
 * - retry: the message stays unacked here and goes to the handler again after its delay, so a
 *   transient failure never spends the queue's delivery limit (that budget is for messages that
 *   crash consumers); while a dependency is down (`dependencyDown`) the consumer stops fetching and
 *   resumes when the retried batch goes through;
 * - dead-letter: a confirmed copy goes to edx.dead with the reason headers, then the original is acked;
 * - the handler throws: a transient EdxError retries the batch (a database or broker outage pauses
 *   the consumer); anything else splits the batch in halves and runs them again, down to the one
 *   message that fails on its own, which alone is dead-lettered with its reason.
 * After a connection loss the consumer re-subscribes by itself; unacked messages come back redelivered.
 */
export class Consumer {
  private handler: BatchHandler | undefined;
  private channel: Channel | undefined;
  private consumerTag: string | undefined;
  private buffer: Delivery[] = [];
  /** Cancels the flush that is scheduled, if one is. */
  private cancelScheduledFlush: (() => void) | undefined;
  /** Batches with the handler (with `batch` set, at most its concurrency). */
  private batchesRunning = 0;
  /** Order keys of the deliveries taken into a batch and not yet settled, with how many hold each. */
  private readonly heldKeys = new Map<string, number>();
  /** Deliveries taken into a batch and not yet settled (their keys are held). */
  private readonly unsettled = new Set<Delivery>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly held = new Map<Delivery, NodeJS.Timeout>();
  /** Batches waiting in memory for their next attempt, and whether each waits on a dependency. */
  private readonly retries = new Map<NodeJS.Timeout, { deliveries: Delivery[]; dependencyDown: boolean }>();
  private paused = false;
  private subscribedWaiters: Array<() => void> = [];
  private stopping = false;
  private readonly log: Logger;
  private readonly onConnected = (): void => {
    if (!this.stopping && this.handler) this.subscribe().catch((error) => this.onSubscribeFailed(error));
  };

  constructor(
    private readonly connection: AmqpConnection,
    private readonly publisher: ConfirmedPublisher,
    private readonly options: ConsumerOptions,
    logger?: Logger,
  ) {
    this.log = (logger ?? createLogger('messaging')).child({ component: 'consumer', queue: options.queue });
    if ((options.batch?.concurrency ?? 1) > 1 && !options.orderKey) {
      throw new EdxError('CONFIG_INVALID', `The consumer of ${options.queue} runs batches concurrently and needs an orderKey to keep each document's messages in order.`);
    }
  }

  /**
   * Subscribes and resolves once consuming. While the connection is down it waits for the reconnect;
   * rejects only if subscribing fails on a live connection (e.g. the queue does not exist, 404/403).
   */
  async start(handler: BatchHandler): Promise<void> {
    if (this.handler) throw new EdxError('CONFLICT', `The consumer of ${this.options.queue} is already started.`);
    this.handler = handler;
    this.stopping = false;
    if (!this.connection.isConnected) {
      // The 'connected' listener below subscribes; resolve when it has.
      await new Promise<void>((resolve) => {
        this.subscribedWaiters.push(resolve);
        this.connection.on('connected', this.onConnected);
      });
      return;
    }
    this.connection.on('connected', this.onConnected);
    try {
      await this.subscribe();
    } catch (error) {
      this.connection.removeListener('connected', this.onConnected);
      this.handler = undefined;
      throw error;
    }
  }

  /** Stops taking new messages, waits for in-flight handlers (and their acks), then closes the channel. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.connection.removeListener('connected', this.onConnected);
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    this.consumerTag = undefined;
    this.unscheduleFlush();
    // What waits for its batch goes back to the queue, in order, for the next consumer.
    for (const delivery of this.buffer) this.settle(delivery, (ch) => ch.nack(delivery.raw, false, true));
    this.buffer = [];
    for (const [delivery, timer] of this.held) {
      clearTimeout(timer);
      this.settle(delivery, (ch) => ch.nack(delivery.raw, false, true));
    }
    this.held.clear();
    for (const [timer, group] of this.retries) {
      clearTimeout(timer);
      for (const delivery of group.deliveries) this.settle(delivery, (ch) => ch.nack(delivery.raw, false, true));
    }
    this.retries.clear();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.channel = undefined;
    if (channel) await channel.close().catch(() => undefined);
    this.handler = undefined;
  }

  private async subscribe(): Promise<void> {
    const channel = await this.connection.createChannel();
    channel.on('error', (error: Error) => this.log.warn({ err: error.message }, 'Consumer channel error'));
    channel.on('close', () => this.onChannelClosed(channel));
    this.channel = channel;
    this.paused = false;
    try {
      await channel.prefetch(this.options.prefetch);
      await this.consumeOn(channel);
    } catch (error) {
      if (this.channel === channel) this.channel = undefined;
      throw unavailable(`Could not consume queue ${this.options.queue}`, error);
    }
    this.log.info({ prefetch: this.options.prefetch }, 'Consuming');
    const waiters = this.subscribedWaiters;
    this.subscribedWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  private async consumeOn(channel: Channel): Promise<void> {
    const { consumerTag } = await channel.consume(this.options.queue, (raw) => this.onDelivery(channel, raw), { noAck: false });
    this.consumerTag = consumerTag;
  }

  /** Stops fetching (what it holds stays unacked and is retried); resume() starts again. */
  private pause(reason: string): void {
    const channel = this.channel;
    const tag = this.consumerTag;
    if (this.paused || !channel || !tag) return;
    this.paused = true;
    this.consumerTag = undefined;
    this.log.warn({ reason }, 'A dependency is down: pausing the consumer until it is back');
    channel.cancel(tag).catch(() => undefined);
  }

  private resume(): void {
    const channel = this.channel;
    if (!this.paused || this.stopping || !channel) return;
    if ([...this.retries.values()].some((g) => g.dependencyDown)) return;
    this.paused = false;
    this.consumeOn(channel).then(
      () => this.log.info('Dependency back: consuming again'),
      (error) => this.log.warn({ err: toEdxError(error).message }, 'Could not resume consuming; the channel will be reopened'),
    );
  }

  private onSubscribeFailed(error: unknown): void {
    this.log.error({ err: toEdxError(error).message }, 'Could not subscribe; retrying in 1 s');
    this.resubscribeLater();
  }

  /** Re-subscribes in 1 s unless the 'connected' handler did it first (after a connection loss). */
  private resubscribeLater(): void {
    setTimeout(() => {
      if (!this.stopping && this.handler && !this.channel && this.connection.isConnected) {
        this.log.warn('Re-subscribing after the consumer channel closed');
        this.subscribe().catch((again) => this.onSubscribeFailed(again));
      }
    }, 1000).unref();
  }

  private onChannelClosed(channel: Channel): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    this.consumerTag = undefined;
    // Messages of the dead channel come back to the queue by themselves: forget them here.
    this.buffer = this.buffer.filter((d) => d.channel !== channel);
    for (const delivery of this.unsettled) if (delivery.channel === channel) this.release(delivery);
    for (const [delivery, timer] of this.held) {
      if (delivery.channel === channel) {
        clearTimeout(timer);
        this.held.delete(delivery);
      }
    }
    // If only the channel died (e.g. a channel error), reopen it ourselves.
    if (!this.stopping) this.resubscribeLater();
  }

  private onDelivery(channel: Channel, raw: ConsumeMessage | null): void {
    if (raw === null) {
      this.log.warn('The broker cancelled the consumer (queue deleted?)');
      return;
    }
    if (this.stopping) {
      channel.nack(raw, false, true);
      return;
    }
    const headers = (raw.properties.headers ?? {}) as Record<string, unknown>;
    const count = headers['x-delivery-count'];
    const message: InboundMessage = {
      body: raw.content,
      messageId: raw.properties.messageId ?? undefined,
      userId: raw.properties.userId ?? undefined,
      type: raw.properties.type ?? undefined,
      headers,
      routingKey: raw.fields.routingKey,
      redelivered: raw.fields.redelivered,
      deliveryCount: typeof count === 'number' ? count : undefined,
    };
    this.buffer.push({ raw, channel, message, key: this.options.orderKey?.(message) });
    this.scheduleFlush();
  }

  private unscheduleFlush(): void {
    this.cancelScheduledFlush?.();
    this.cancelScheduledFlush = undefined;
  }

  /** Starts the next batch when its time has come (see ConsumerOptions.batch). */
  private scheduleFlush(): void {
    const batch = this.options.batch;
    if (!batch) return this.flush();
    // A running batch flushes what waits when it ends.
    if (this.batchesRunning >= (batch.concurrency ?? 1) || this.buffer.length === 0) return;
    if (this.buffer.length >= batch.maxSize) return this.flush();
    // 0: at the end of this turn of the event loop, so deliveries that came in one read of the socket
    // (the copies of one document, pipelined publishes) share the batch.
    if (this.cancelScheduledFlush) return;
    if (batch.maxWaitMs === 0) {
      const immediate = setImmediate(() => this.flush());
      this.cancelScheduledFlush = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.flush(), batch.maxWaitMs);
      this.cancelScheduledFlush = () => clearTimeout(timer);
    }
  }

  private flush(): void {
    this.unscheduleFlush();
    if (this.buffer.length === 0) return;
    const batch = this.options.batch;
    if (!batch) {
      const taken = this.take(this.buffer.length);
      if (taken.length === 0) return;
      return this.track(this.process(taken));
    }
    const taken = this.take(batch.maxSize);
    if (taken.length === 0) return; // every key that waits is held: settling it flushes again
    this.batchesRunning++;
    this.track(
      this.process(this.withoutCopies(taken)).finally(() => {
        this.batchesRunning--;
        if (!this.stopping) this.scheduleFlush();
      }),
    );
    // Another batch may start beside this one with what is left.
    if (this.buffer.length > 0) this.scheduleFlush();
  }

  /**
   * Up to `max` waiting deliveries, oldest first. With an orderKey, one whose key an unsettled
   * delivery holds stays, and so does every later one with its key; the taken hold their keys.
   */
  private take(max: number): Delivery[] {
    if (!this.options.orderKey) return this.buffer.splice(0, max);
    const taken: Delivery[] = [];
    const left: Delivery[] = [];
    const waiting = new Set<string>();
    for (const delivery of this.buffer) {
      const key = delivery.key!;
      if (taken.length < max && !this.heldKeys.has(key) && !waiting.has(key)) taken.push(delivery);
      else {
        left.push(delivery);
        waiting.add(key);
      }
    }
    this.buffer = left;
    for (const delivery of taken) {
      this.unsettled.add(delivery);
      this.heldKeys.set(delivery.key!, (this.heldKeys.get(delivery.key!) ?? 0) + 1);
    }
    return taken;
  }

  /** A taken delivery is settled (or its channel died): its key no longer holds back the messages after it. */
  private release(delivery: Delivery): void {
    if (!this.unsettled.delete(delivery)) return;
    const key = delivery.key!;
    const count = (this.heldKeys.get(key) ?? 1) - 1;
    if (count > 0) this.heldKeys.set(key, count);
    else this.heldKeys.delete(key);
    if (!this.stopping && this.buffer.length > 0) this.scheduleFlush();
  }

  /**
   * A message can sit in the queue twice (a publisher resent it after a lost confirm) and both
   * copies can land in one batch: the handler sees it once. The copy is acked at once; the original
   * stays unacked until its own outcome, so the message is never lost. Two deliveries are one
   * message when message id, routing key, type and bytes are the same; a reused id with other bytes
   * is not a copy and reaches the handler (the hub refuses it as a replay).
   */
  private withoutCopies(batch: Delivery[]): Delivery[] {
    const firsts = new Map<string, Delivery>();
    const distinct: Delivery[] = [];
    for (const delivery of batch) {
      const { messageId, routingKey, type, body } = delivery.message;
      const key = messageId === undefined ? undefined : `${messageId}|${routingKey}|${type ?? ''}`;
      const first = key === undefined ? undefined : firsts.get(key);
      if (first && first.message.body.equals(body)) {
        this.settle(delivery, (ch) => ch.ack(delivery.raw));
        continue;
      }
      if (key !== undefined && !first) firsts.set(key, delivery);
      distinct.push(delivery);
    }
    if (distinct.length < batch.length) this.log.info({ copies: batch.length - distinct.length }, 'Acked copies of messages already in this batch');
    return distinct;
  }

  private async process(batch: Delivery[], attempt = 0): Promise<void> {
    const outcomes = await this.runHandler(batch);
    const again: Delivery[] = [];
    let retry: Extract<Outcome, { kind: 'retry' }> | undefined;
    await Promise.all(
      batch.map((delivery, i) => {
        const outcome = outcomes[i];
        if (outcome.kind !== 'retry') return this.apply(delivery, outcome);
        again.push(delivery);
        if (!retry || outcome.dependencyDown) retry = outcome;
        return undefined;
      }),
    );
    if (retry) this.retryLater(again, retry, attempt + 1);
    else if (this.paused) this.resume();
  }

  /** Keeps `deliveries` unacked and hands them to the handler again after the delay. */
  private retryLater(deliveries: Delivery[], outcome: Extract<Outcome, { kind: 'retry' }>, attempt: number): void {
    if (this.stopping) {
      for (const d of deliveries) this.settle(d, (ch) => ch.nack(d.raw, false, true));
      return;
    }
    const dependencyDown = outcome.dependencyDown === true;
    if (dependencyDown) this.pause(outcome.reason);
    const delay = outcome.delayMs ?? this.backoff(attempt - 1);
    this.log.warn({ reason: outcome.reason, attempt, size: deliveries.length, delayMs: delay }, 'Retrying later');
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      // Messages of a channel that closed meanwhile come back by themselves, redelivered.
      const alive = deliveries.filter((d) => d.channel === this.channel);
      for (const d of deliveries) if (d.channel !== this.channel) this.release(d);
      if (alive.length === 0) return this.resume();
      this.track(this.process(alive, attempt));
    }, delay);
    this.retries.set(timer, { deliveries, dependencyDown });
  }

  private track(run: Promise<void>): void {
    const tracked = run.catch((error) => this.log.error({ err: toEdxError(error).message }, 'Batch processing failed'));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /**
   * The handler's outcomes. A transient throw retries the batch; any other throw is narrowed down:
   * the batch is split in halves and each runs again, so only a message that fails alone is
   * dead-lettered, with its own code and reason.
   */
  private async runHandler(batch: Delivery[]): Promise<Outcome[]> {
    try {
      const outcomes = await this.handler!(batch.map((d) => d.message));
      if (!Array.isArray(outcomes) || outcomes.length !== batch.length) {
        throw new EdxError('INTERNAL_ERROR', `The handler returned ${Array.isArray(outcomes) ? outcomes.length : 'no'} outcomes for ${batch.length} messages.`);
      }
      return outcomes;
    } catch (thrown) {
      const error = toEdxError(thrown);
      if (error.isTransient) {
        const reason = `${error.code}: ${error.message}`;
        const outcome = DEPENDENCY_CODES.has(error.code) ? Outcome.dependencyDown(reason) : Outcome.retry(reason);
        this.log.warn({ err: error.message, code: error.code, size: batch.length }, 'Handler threw a transient error');
        return batch.map(() => outcome);
      }
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        this.log.warn({ err: error.message, code: error.code, size: batch.length }, 'Handler threw: splitting the batch to find the message that fails');
        return [...(await this.runHandler(batch.slice(0, half))), ...(await this.runHandler(batch.slice(half)))];
      }
      this.log.warn({ err: error.message, code: error.code, messageId: batch[0].message.messageId }, 'Handler threw for this message alone: dead-lettering it');
      return [Outcome.deadLetter(error.code, `${error.code}: ${error.message}`)];
    }
  }

  private async apply(delivery: Delivery, outcome: Outcome): Promise<void> {
    switch (outcome.kind) {
      case 'ack':
        this.settle(delivery, (ch) => ch.ack(delivery.raw));
        return;
      case 'retry':
        // process() keeps retried messages in memory; apply() never sees them.
        return;
      case 'dead-letter':
        await this.deadLetter(delivery, outcome);
        return;
    }
  }

  private backoff(deliveryCount: number): number {
    const { initialMs, maxMs } = this.options.retryBackoff ?? { initialMs: 1000, maxMs: 30_000 };
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(deliveryCount, 20));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private hold(delivery: Delivery, delayMs: number): void {
    if (this.stopping) {
      this.settle(delivery, (ch) => ch.nack(delivery.raw, false, true));
      return;
    }
    const timer = setTimeout(() => {
      this.held.delete(delivery);
      this.settle(delivery, (ch) => ch.nack(delivery.raw, false, true));
    }, delayMs);
    this.held.set(delivery, timer);
  }

  private async deadLetter(delivery: Delivery, outcome: Extract<Outcome, { kind: 'dead-letter' }>): Promise<void> {
    const { message, raw } = delivery;
    if (this.options.deadLetterBy === 'reject') {
      this.log.warn({ messageId: message.messageId, code: outcome.code, reason: outcome.reason }, 'Dead-lettering through the queue');
      this.settle(delivery, (ch) => ch.nack(raw, false, false));
      return;
    }
    const headers: Record<string, unknown> = {
      ...message.headers,
      [DeadLetterHeaders.code]: outcome.code,
      [DeadLetterHeaders.reason]: outcome.reason.slice(0, 2000),
      [DeadLetterHeaders.sourceQueue]: this.options.queue,
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
      [DeadLetterHeaders.originalExchange]: raw.fields.exchange,
      [DeadLetterHeaders.originalRoutingKey]: raw.fields.routingKey,
    };
    if (message.userId) headers[DeadLetterHeaders.originalUserId] = message.userId;
    try {
      await this.publisher.publish(Topology.deadExchange, this.options.queue, message.body, {
        messageId: message.messageId ?? `${this.options.queue}:${raw.fields.deliveryTag}:${Date.now()}`,
        type: message.type,
        // The broker checks user_id against this connection's user: the recorder trusts the reason
        // headers of a dead letter only when its writer is the hub. The original travels in a header.
        userId: this.connection.username,
        headers,
        contentType: raw.properties.contentType ?? undefined,
        // A dead letter nobody's queue takes comes back (and is held here, retried), never vanishes.
        mandatory: true,
      });
    } catch (error) {
      // Never drop it: keep it on its queue and try again later.
      this.log.error({ err: toEdxError(error).message, messageId: message.messageId }, 'Could not dead-letter; will retry');
      this.hold(delivery, this.backoff(message.deliveryCount ?? 0));
      return;
    }
    this.settle(delivery, (ch) => ch.ack(raw));
  }

  /** Acks/nacks on the channel the message came from, if it is still open (else it is redelivered anyway). */
  private settle(delivery: Delivery, action: (channel: Channel) => void): void {
    this.release(delivery);
    if (this.channel !== delivery.channel) return;
    try {
      action(delivery.channel);
    } catch (error) {
      this.log.warn({ err: toEdxError(error).message }, 'Could not settle a message; it will be redelivered');
    }
  }
}
