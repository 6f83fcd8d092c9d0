/**
 * A DMS sending documents at a steady rate through a gateway's REST API. A send that fails (the
 * gateway or its database is down) is not retried here: only accepted documents (202) count. A send
 * the gateway throttles (429, its per-key limits when the machine lags) is sent again after a
 * second, as a DMS honouring Retry-After does; `throttled` counts those, apart from refusals.
 */
export class SteadyLoad {
  readonly accepted: string[] = [];
  refused = 0;
  throttled = 0;
  /** Why sends were refused (status code or error), to tell an outage from a bug. */
  readonly reasons = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly send: () => Promise<{ id?: string; refusal?: string; throttled?: boolean }>,
    private readonly perSecond: number,
  ) {}

  start(): this {
    this.timer = setInterval(() => {
      const p = this.sendOnce().finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }, 1000 / this.perSecond);
    return this;
  }

  private async sendOnce(): Promise<void> {
    for (;;) {
      try {
        const { id, refusal, throttled } = await this.send();
        if (throttled) {
          this.throttled++;
          await new Promise((resolve) => setTimeout(resolve, 1000));
          continue;
        }
        if (id) this.accepted.push(id);
        else this.refuse(refusal ?? 'unknown');
      } catch (error) {
        const e = error as { message?: string; cause?: { message?: string; code?: string } };
        this.refuse(`${e?.message ?? String(error)} (${e?.cause?.code ?? e?.cause?.message ?? ''})`);
      }
      return;
    }
  }

  private refuse(reason: string): void {
    this.refused++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
  }
}
