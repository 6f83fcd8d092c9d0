import { EdxError, Fetch, isErrorCode, toEdxError } from '@edx/common';
import type { BlobReader } from '@edx/trust';

/** A transfer that broke is picked up where it stopped this many times in a row without a byte of progress before the read fails (transient). */
const RESUMES_WITHOUT_PROGRESS = 3;

/**
 * The hub's blob API as a gateway uses it, over HTTPS with the system's transport client
 * certificate: uploads stream (the bytes are never whole here) and reads resume with a Range from
 * the byte they got to when a connection breaks. A hub that cannot be reached is
 * STORAGE_UNAVAILABLE (transient: the caller retries); its refusals keep their codes.
 */
export class HubBlobClient implements BlobReader {
  constructor(
    private readonly hubUrl: string,
    private readonly fetch: Fetch,
  ) {}

  /** Streams `source` into the store; resolves with its SHA-256 and size once the hub holds it. */
  async upload(source: AsyncIterable<Uint8Array>, expectedSha256?: string): Promise<{ sha256: string; size: number }> {
    const res = await this.call(`${this.hubUrl}/v1/blobs`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...(expectedSha256 ? { 'x-edx-sha256': expectedSha256 } : {}) }, bodyStream: source });
    return (await res.json()) as { sha256: string; size: number };
  }

  async read(sha256: string, range?: { readonly start: number }): Promise<AsyncIterable<Uint8Array>> {
    const first = await this.open(sha256, range?.start ?? 0);
    return this.resuming(sha256, range?.start ?? 0, first);
  }

  private async *resuming(sha256: string, start: number, first: Response): AsyncGenerator<Uint8Array> {
    let at = start;
    let res: Response | undefined = first;
    let stalled = 0;
    for (;;) {
      const before = at;
      try {
        res ??= await this.open(sha256, at);
        if (res.status === 200 && at > 0) throw new EdxError('STORAGE_UNAVAILABLE', 'The hub answered a resumed blob read with the whole blob, not the range asked for.');
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          at += chunk.length;
          yield chunk;
        }
        return;
      } catch (error) {
        const e = toEdxError(error);
        if (!e.isTransient && error instanceof EdxError) throw e;
        stalled = at > before ? 0 : stalled + 1;
        if (stalled >= RESUMES_WITHOUT_PROGRESS) throw new EdxError('STORAGE_UNAVAILABLE', `Reading blob ${sha256} from the hub broke off at byte ${at} ${RESUMES_WITHOUT_PROGRESS} times without progress: ${e.message}`);
        res = undefined;
      }
    }
  }

  private open(sha256: string, start: number): Promise<Response> {
    return this.call(`${this.hubUrl}/v1/blobs/${sha256}`, start > 0 ? { headers: { range: `bytes=${start}-` } } : {});
  }

  private async call(url: string, init: Parameters<Fetch>[1]): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetch(url, init);
    } catch (error) {
      if (error instanceof EdxError) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new EdxError('STORAGE_UNAVAILABLE', `The hub's blob store cannot be reached at ${this.hubUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}.`);
    }
    if (res.ok) return res;
    const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    if (res.status >= 500 || !body.code || !isErrorCode(body.code)) throw new EdxError('STORAGE_UNAVAILABLE', `The hub's blob store answered HTTP ${res.status}${body.message ? `: ${body.message}` : ''}.`);
    throw new EdxError(body.code, `The hub's blob store: ${body.message ?? body.code}`);
  }
}
