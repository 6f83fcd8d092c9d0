// The console's REST API as the dashboard calls it: the signed-in token as Bearer, errors as
// { code, message } from the server's one error table.
const TOKEN_KEY = 'edx.console.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function call(path, { method = 'GET', body, token = session.token() } = {}) {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token ?? ''}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) throw new ApiError(res.status, json.code ?? 'INTERNAL_ERROR', json.message ?? res.statusText);
  return json;
}

/**
 * Listens to GET /v1/events (server-sent events) with fetch, so the token travels in the
 * Authorization header and never in a URL. Calls onChange(tick) for each "change" event and
 * onState('live' | 'offline'); reconnects after a drop. Returns a function that stops it.
 */
export function listen(onChange, onState) {
  const controller = new AbortController();
  let retryMs = 1000;
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await fetch('/v1/events', { headers: { authorization: `Bearer ${session.token() ?? ''}`, accept: 'text/event-stream' }, signal: controller.signal });
        if (!res.ok || !res.body) throw new ApiError(res.status, 'AUTH_REQUIRED', res.statusText);
        onState('live');
        retryMs = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
            if (type === 'change') onChange(JSON.parse(data));
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      onState('offline');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, 15000);
    }
  };
  void run();
  return () => controller.abort();
}
