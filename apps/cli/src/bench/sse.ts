import type { Fetch } from '@edx/common';

/** Reads a Server-Sent Events body until it ends, calling `onEvent` for each event; rejects if the stream breaks. */
export async function readSseEvents(body: ReadableStream<Uint8Array>, onEvent: (type: string, data: Record<string, unknown>) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      if (data) onEvent(type, JSON.parse(data) as Record<string, unknown>);
    }
  }
}

/** Listens to a gateway's Server-Sent Events stream (over `client`, HTTPS trusting its CA) and calls `onEvent` for each event. */
export async function listenSse(client: Fetch, url: string, apiKey: string, onEvent: (type: string, data: Record<string, unknown>) => void, signal: AbortSignal): Promise<void> {
  const res = await client(url, { headers: { 'x-api-key': apiKey, accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new TypeError(`SSE ${url} answered ${res.status}`);
  // aborted at the end of the run
  readSseEvents(res.body, onEvent).catch(() => undefined);
}
