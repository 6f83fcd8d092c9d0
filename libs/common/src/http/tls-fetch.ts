import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EdxError } from '../errors';

/** The part of fetch's RequestInit edx's clients use. */
export interface FetchInit {
  readonly method?: string;
  readonly headers?: HeadersInit;
  readonly body?: string | Uint8Array<ArrayBuffer> | null;
  /** tlsFetch only, instead of `body`: bytes sent chunked as they are read, so a large upload is never whole in memory. */
  readonly bodyStream?: AsyncIterable<Uint8Array>;
  readonly signal?: AbortSignal | null;
}

/** A fetch that speaks HTTPS trusting a given CA: same call, same WHATWG Response. */
export type Fetch = (url: string | URL, init?: FetchInit) => Promise<Response>;

export interface TlsClientOptions {
  /** PEM of the CA(s) a server's certificate must chain to (the exchange's transport CA); without it, the system's roots. */
  readonly ca?: string | Buffer;
  /** A client certificate to present (mutual TLS, e.g. a DMS at its gateway), its key and the key's passphrase. */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly passphrase?: string;
}

/** OpenSSL's verification failures (and Node's host check): the server is not who the CA says it is. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED', 'CERT_REVOKED', 'CERT_UNTRUSTED',
  'CERT_REJECTED', 'INVALID_CA', 'INVALID_PURPOSE', 'PATH_LENGTH_EXCEEDED', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Bodies that may not be given to a Response. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * Node 20's global fetch cannot be told which CA to trust per request (that needs undici's Agent,
 * which is not a dependency), so edx's HTTP clients use this: node:https with a keep-alive agent of
 * its own holding the CA (and a client certificate, if any), answering a standard `Response`
 * (`json()`, `text()`, a streaming `body` for SSE). `http:` URLs go out plain (an operator's choice,
 * e.g. a proxy on the same host). Redirects are not followed.
 *
 * Resolves when the response's headers arrived. Rejects with TRANSPORT_UNTRUSTED when the server's
 * certificate does not chain to the CA or does not name the host, and otherwise as fetch does: a
 * TypeError "fetch failed" whose `cause` is the network error (ECONNREFUSED, EPROTO, an abort).
 */
export function tlsFetch(options: TlsClientOptions = {}): Fetch {
  const secure = new https.Agent({ keepAlive: true, ca: options.ca, cert: options.cert, key: options.key, passphrase: options.passphrase });
  // A streamed body cannot be sent again: it never goes out on a kept-alive socket the server may be closing at that moment (EPIPE).
  const fresh = new https.Agent({ keepAlive: false, ca: options.ca, cert: options.cert, key: options.key, passphrase: options.passphrase });
  const plain = new http.Agent({ keepAlive: true });
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(String(input));
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return reject(new TypeError(`fetch failed: ${url.protocol} is not http: or https:`));
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => (headers[name] = value));
      const body = typeof init.body === 'string' ? Buffer.from(init.body) : init.body ? Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength) : undefined;
      if (body) headers['content-length'] = String(body.length);
      const stream = init.bodyStream;
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, {
        method: init.method ?? 'GET',
        headers,
        agent: url.protocol === 'https:' ? (init.bodyStream ? fresh : secure) : init.bodyStream ? false : plain,
        signal: init.signal ?? undefined,
      });
      // As fetch does: an aborted call rejects with the signal's reason (an AbortError, a TimeoutError).
      request.once('error', (error: NodeJS.ErrnoException) => reject(init.signal?.aborted ? init.signal.reason : failure(url, error)));
      request.once('response', (res) => {
        const responseHeaders = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        const status = res.statusCode ?? 500;
        if (NULL_BODY.has(status)) res.resume();
        const stream = NULL_BODY.has(status) ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(stream, { status, statusText: res.statusMessage, headers: responseHeaders }));
      });
      if (!stream) return request.end(body);
      // The request's own error (the socket, an abort) rejects above; a failing source aborts the request with its error.
      pipeline(Readable.from(stream), request).catch((error: Error) => {
        request.destroy(error);
        reject(error);
      });
    });
}

function failure(url: URL, error: NodeJS.ErrnoException): Error {
  if (error.code && UNTRUSTED.has(error.code)) {
    return new EdxError('TRANSPORT_UNTRUSTED', `The server at ${url.origin} is not trusted: ${error.message} (${error.code}). Give the CA its certificate chains to (the CLI's --cacert; .edx/pki/transport/ca.pem for the demo).`, { code: error.code }, { cause: error });
  }
  return new TypeError(`fetch failed: ${url.origin}: ${error.code ?? error.message}`, { cause: error });
}
