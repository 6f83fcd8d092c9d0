/**
 * A DMS sending documents at a steady rate through a gateway's REST API. A send that fails (the
 * gateway or its database is down) is not retried here: only accepted documents (202) count.
 */
export class SteadyLoad {
  readonly accepted: string[] = [];
  refused = 0;
  /** Why sends were refused (status code or error), to tell an outage from a bug. */
  readonly reasons = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly send: () => Promise<{ id?: string; refusal?: string }>,
    private readonly perSecond: number,
  ) {}

  start(): this {
    this.timer = setInterval(() => {
      const p = this.send()
        .then(({ id, refusal }) => (id ? void this.accepted.push(id) : this.refuse(refusal ?? 'unknown')))
        .catch((error: { message?: string; cause?: { message?: string; code?: string } }) => this.refuse(`${error?.message ?? String(error)} (${error?.cause?.code ?? error?.cause?.message ?? ''})`))
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }, 1000 / this.perSecond);
    return this;
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
