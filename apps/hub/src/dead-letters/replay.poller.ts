import { Logger, toEdxError } from '@edx/common';

/**
 * Runs the queued dead-letter replays every `intervalMs` (at once again while a round found work),
 * until stopped. Replays are rare operator actions kept in the database, so a short poll is all the
 * signalling they need and survives any restart of hub or console.
 */
export class ReplayPoller {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly runPending: () => Promise<number>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    /** What the rounds do, for the log line when one has to wait. */
    private readonly what = 'dead-letter replays',
  ) {}

  start(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round();
    }, delayMs);
  }

  private async round(): Promise<void> {
    let ran = 0;
    try {
      ran = await this.runPending();
    } catch (error) {
      const e = toEdxError(error);
      this.logger.warn({ code: e.code }, `${this.what} wait: ${e.message}`);
    }
    this.schedule(ran > 0 ? 0 : this.intervalMs);
  }

  /** Resolves once the round in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
