import type { Fetch } from '@edx/common';
import { readSseEvents } from '../../apps/cli/src/bench/sse';

/**
 * What a DMS sees of its gateway: the live event stream (reconnected whenever the gateway restarts)
 * and the inbox and statuses APIs. Faults are judged here, where a duplicate would reach a clerk,
 * not behind a primary key.
 */
export class DmsView {
  /** Every `document` event id and every `status` event (package, from, code) the stream delivered. */
  readonly documentEvents: string[] = [];
  readonly statusEvents: Array<{ packageId: string; from: string; statusCode: string }> = [];
  /** How many times the stream was (re)connected: a test waits on it instead of sleeping. */
  connections = 0;
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;

  /** `client`: HTTPS trusting the exchange's transport CA (the harness's `fetch`). */
  constructor(
    private readonly client: Fetch,
    private readonly gatewayUrl: () => string,
    private readonly apiKey: string,
  ) {
    this.done = this.follow();
  }

  private async follow(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const res = await this.client(`${this.gatewayUrl()}/v1/events`, { headers: { 'x-api-key': this.apiKey, accept: 'text/event-stream' }, signal: this.abort.signal });
        if (res.ok && res.body) {
          this.connections++;
          await this.read(res.body);
        }
      } catch {
        // the gateway is down or restarting: reconnect below
      }
      if (!this.abort.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private read(body: ReadableStream<Uint8Array>): Promise<void> {
    return readSseEvents(body, (type, data) => {
      const event = data as Record<string, string>;
      if (type === 'document') this.documentEvents.push(event.id);
      if (type === 'status') this.statusEvents.push({ packageId: event.packageId, from: event.from, statusCode: event.statusCode });
    });
  }

  /** GET as a DMS within its gateway's limits does it: on 429 it waits the Retry-After and asks again. */
  private async get<T>(path: string): Promise<T> {
    for (;;) {
      const res = await this.client(`${this.gatewayUrl()}${path}`, { headers: { 'x-api-key': this.apiKey }, signal: AbortSignal.timeout(10_000) });
      if (res.status === 429) {
        await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
        continue;
      }
      const body = await res.json();
      if (res.status !== 200) throw new TypeError(`GET ${path} answered ${res.status}: ${JSON.stringify(body)}`);
      return body as T;
    }
  }

  /** The ids in the inbox, as often as the inbox lists them, page by page as a DMS reads a long inbox. */
  async inboxIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let after = ''; ; ) {
      const body = await this.get<{ items: Array<{ id: string }>; next?: string }>(`/v1/documents/inbox?all=true&limit=1000${after ? `&after=${after}` : ''}`);
      ids.push(...body.items.map((d) => d.id));
      if (!body.next) return ids;
      after = body.next;
    }
  }

  /** The statuses the sender's gateway lists for a document it sent. */
  async statusesOf(packageId: string): Promise<Array<{ from: string; statusCode: string }>> {
    return (await this.get<{ items: Array<{ from: string; statusCode: string }> }>(`/v1/documents/${packageId}/statuses`)).items;
  }

  /** Stops following the stream (resolves once the current connection is dropped, within a second). */
  async close(): Promise<void> {
    this.abort.abort();
    await Promise.race([this.done, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }
}

/** How many of `items` repeat an earlier one by `key`. */
export function repeats<T>(items: readonly T[], key: (item: T) => string = String): number {
  return items.length - new Set(items.map(key)).size;
}
