import { EdxError, Logger, createLogger, toEdxError } from '@edx/common';
import { ConfirmedPublisher, PublishProperties } from '../publisher/confirmed-publisher';

/** Where messages wait after their business transaction committed (a table, in practice). */
export interface OutboxStore<T> {
  /** Up to `limit` items not yet published, oldest first. May return the same item again until marked. */
  claim(limit: number): Promise<T[]>;
  /** Records that these items reached the broker (confirmed). */
  markPublished(items: T[]): Promise<void>;
  /** Records a failed attempt and its error on each item (they stay; the store may back them off or park them). Not called while the broker is away. */
  markFailed(failures: ReadonlyArray<{ item: T; error: string }>): Promise<void>;
}

const BROKER_AWAY: ReadonlySet<string> = new Set(['MESSAGING_BROKER_UNAVAILABLE', 'MESSAGING_PUBLISH_TIMEOUT']);

export interface OutboxMessage {
  exchange: string;
  routingKey: string;
  body: Buffer;
  properties: PublishProperties;
}

export interface OutboxRelayOptions<T> {
  /** Items claimed and published (pipelined) per round. */
  batchSize: number;
  /** Sleep between rounds when the outbox is empty or a round had failures (kick() wakes it early). */
  idleMs: number;
  /**
   * A mandatory publish came back unroutable. After the hook resolves, the item is marked published
   * (it has left the outbox: the hook records the rejection). Without a hook the item stays and is retried.
   */
  onUnroutable?: (item: T, error: EdxError) => Promise<void>;
  /** Called with a round's confirmed items before they are marked published (fault tests' crash point, the bench's stage marks). */
  beforeMark?: (confirmed: readonly T[]) => void;
}

/**
 * Moves committed outbox items to the broker: claims a batch, publishes it concurrently, marks the
 * confirmed ones published. What failed stays for a later round (at-least-once: receivers dedupe by
 * messageId). Never throws out of its loop; errors are logged and retried after idleMs.
 */
export class OutboxRelay<T> {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private readonly log: Logger;

  constructor(
    private readonly store: OutboxStore<T>,
    private readonly publisher: ConfirmedPublisher,
    private readonly toMessage: (item: T) => OutboxMessage,
    private readonly options: OutboxRelayOptions<T>,
    logger?: Logger,
  ) {
    this.log = (logger ?? createLogger('messaging')).child({ component: 'outbox-relay' });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the current round; resolves when it ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Wake up now (call after committing new outbox items). */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** One round: claim, publish, mark. Resolves with what happened (also used by tests and tools). */
  async relayOnce(): Promise<{ claimed: number; published: number; failed: number }> {
    const items = await this.store.claim(this.options.batchSize);
    if (items.length === 0) return { claimed: 0, published: 0, failed: 0 };
    const results = await Promise.allSettled(
      items.map((item) => {
        const m = this.toMessage(item);
        return this.publisher.publish(m.exchange, m.routingKey, m.body, m.properties);
      }),
    );
    const done: T[] = [];
    const failures: Array<{ item: T; error: string }> = [];
    let failed = 0;
    for (let i = 0; i < items.length; i++) {
      const result = results[i];
      if (result.status === 'fulfilled') {
        done.push(items[i]);
        continue;
      }
      const error = toEdxError(result.reason);
      if (error.code === 'ROUTING_RECIPIENT_UNROUTABLE' && this.options.onUnroutable) {
        try {
          await this.options.onUnroutable(items[i], error);
          done.push(items[i]);
          continue;
        } catch (hookError) {
          this.log.error({ err: toEdxError(hookError).message }, 'onUnroutable failed; the item stays in the outbox');
        }
      } else {
        this.log.warn({ code: error.code, err: error.message }, 'Outbox publish failed; it stays for the next round');
      }
      // A broker that is away says nothing about this message: such a failure costs it no attempt.
      if (!BROKER_AWAY.has(error.code)) failures.push({ item: items[i], error: `${error.code}: ${error.message}` });
      failed++;
    }
    if (done.length > 0) this.options.beforeMark?.(done);
    if (done.length > 0) await this.store.markPublished(done);
    if (failures.length > 0) await this.store.markFailed(failures);
    return { claimed: items.length, published: done.length, failed };
  }

  private async run(): Promise<void> {
    while (this.running) {
      let full = false;
      let failed = 0;
      try {
        const round = await this.relayOnce();
        full = round.claimed >= this.options.batchSize;
        failed = round.failed;
      } catch (error) {
        failed = 1;
        this.log.error({ err: toEdxError(error).message }, 'Outbox round failed; retrying');
      }
      // A full batch without failures: more is probably waiting. Otherwise sleep (or until kicked).
      if (this.running && (!full || failed > 0)) await this.sleep(failed > 0);
    }
  }

  private sleep(afterFailure: boolean): Promise<void> {
    if (this.kicked && !afterFailure) {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        this.kicked = false;
        resolve();
      };
      const timer = setTimeout(done, this.options.idleMs);
      this.wake = done;
    });
  }
}
