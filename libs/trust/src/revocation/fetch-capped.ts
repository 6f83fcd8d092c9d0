import { EdxError, Fetch, FetchInit } from '@edx/common';
/**
 * The body of an HTTP(S) request, refused past `maxBytes` (declared or streamed) or `timeoutMs`:
 * revocation material comes from addresses in certificates, so it is bounded like any input.
 * `client`: the global fetch (following redirects, the system's roots), or an HTTPS client trusting
 * the exchange's transport CA for the console's published CRLs.
 * Throws an Error whose message says what went wrong, for the failure record.
 */
export async function fetchCapped(url: string, init: FetchInit, maxBytes: number, timeoutMs: number, client?: Fetch): Promise<Buffer> {
  let response: Response;
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    response = client ? await client(url, { ...init, signal }) : await fetch(url, { ...init, redirect: 'follow', signal });
  } catch (error) {
    if (error instanceof EdxError) throw new EdxError('REVOCATION_UNKNOWN', `cannot be reached (${error.message})`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new EdxError('REVOCATION_UNKNOWN', `cannot be reached (${why})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new EdxError('REVOCATION_UNKNOWN', `answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new EdxError('REVOCATION_UNKNOWN', `answered ${declared} bytes, more than the ${maxBytes} allowed`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const reader = response.body?.getReader();
    for (let read = await reader?.read(); reader && read && !read.done; read = await reader.read()) {
      total += read.value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new EdxError('REVOCATION_UNKNOWN', `answered more than the ${maxBytes} bytes allowed`);
      }
      chunks.push(Buffer.from(read.value));
    }
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new EdxError('REVOCATION_UNKNOWN', `did not finish within ${timeoutMs} ms`);
    throw error;
  }
  return Buffer.concat(chunks);
}
