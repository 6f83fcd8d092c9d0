import { z } from 'zod';
import { setting } from './settings';

/**
 * How every app serves HTTP (console, gateways, the hub's health and metrics): HTTPS from a key and
 * certificate of the transport CA, plain HTTP only when a setting says a TLS-terminating proxy is in
 * front, and the time limits that keep slow clients from holding connections.
 */
export const httpServerSettingsShape = {
  /** The app's TLS server certificate (PEM; its chain may follow) and key (PEM, PKCS#8 encrypted with EDX_KEY_PASSPHRASE_FILE or clear). */
  EDX_HTTPS_CERT_FILE: setting.optionalText(),
  EDX_HTTPS_KEY_FILE: setting.optionalText(),
  /** Serve plain HTTP instead: only behind a TLS-terminating reverse proxy on the same host. */
  EDX_HTTP_PLAIN: setting.bool(false),
  /** The request line and headers must arrive within this (and the TLS handshake before them): a slow-loris client is cut off. */
  EDX_HTTP_HEADERS_TIMEOUT_MS: setting.int(10_000, 100),
  /** The whole request, body included, must arrive within this (0: no limit; the body's least rate still holds). */
  EDX_HTTP_REQUEST_TIMEOUT_MS: setting.int(1_800_000, 0),
  /** An idle kept-alive connection is closed after this. */
  EDX_HTTP_KEEP_ALIVE_TIMEOUT_MS: setting.int(5_000, 0),
  /** A request body must arrive at least this fast, judged over each EDX_HTTP_BODY_RATE_WINDOW_MS (0: no floor). */
  EDX_HTTP_BODY_MIN_BYTES_PER_SECOND: setting.int(16_384, 0),
  EDX_HTTP_BODY_RATE_WINDOW_MS: setting.int(10_000, 100),
};

type HttpServerEnv = z.infer<z.ZodObject<typeof httpServerSettingsShape>>;

export interface HttpTimeouts {
  readonly headersMs: number;
  readonly requestMs: number;
  readonly keepAliveMs: number;
  readonly bodyMinBytesPerSecond: number;
  readonly bodyRateWindowMs: number;
}

export interface HttpServerSettings {
  /** Undefined: plain HTTP (EDX_HTTP_PLAIN=true). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly clientCaFile?: string };
  readonly timeouts: HttpTimeouts;
}

/**
 * The server settings from an app's parsed environment. `clientCaFile`: the CA whose client
 * certificates the app accepts (the gateway's EDX_GATEWAY_CLIENT_CA_FILE). Adds an issue to `ctx`
 * (so start-up names the key) when HTTPS has no certificate, or plain HTTP is asked for with TLS files.
 */
export function httpServerSettingsOf(env: HttpServerEnv, ctx: z.RefinementCtx, clientCa?: { file?: string; setting: string }): HttpServerSettings {
  const timeouts = {
    headersMs: env.EDX_HTTP_HEADERS_TIMEOUT_MS,
    requestMs: env.EDX_HTTP_REQUEST_TIMEOUT_MS,
    keepAliveMs: env.EDX_HTTP_KEEP_ALIVE_TIMEOUT_MS,
    bodyMinBytesPerSecond: env.EDX_HTTP_BODY_MIN_BYTES_PER_SECOND,
    bodyRateWindowMs: env.EDX_HTTP_BODY_RATE_WINDOW_MS,
  };
  const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
  if (timeouts.requestMs > 0 && timeouts.requestMs < timeouts.headersMs) issue('EDX_HTTP_REQUEST_TIMEOUT_MS', 'must be 0 or at least EDX_HTTP_HEADERS_TIMEOUT_MS (the whole request includes its headers)');
  if (env.EDX_HTTP_PLAIN) {
    if (env.EDX_HTTPS_CERT_FILE || env.EDX_HTTPS_KEY_FILE) issue('EDX_HTTP_PLAIN', 'plain HTTP was asked for, yet EDX_HTTPS_CERT_FILE / EDX_HTTPS_KEY_FILE are set: choose one');
    if (clientCa?.file) issue(clientCa.setting, 'client certificates need HTTPS on this app; behind a TLS-terminating proxy they cannot be checked here');
    return { timeouts };
  }
  for (const key of ['EDX_HTTPS_CERT_FILE', 'EDX_HTTPS_KEY_FILE'] as const) {
    if (!env[key]) issue(key, 'required: the app serves HTTPS (set EDX_HTTP_PLAIN=true only behind a TLS-terminating reverse proxy)');
  }
  return { tls: { certFile: env.EDX_HTTPS_CERT_FILE ?? '', keyFile: env.EDX_HTTPS_KEY_FILE ?? '', clientCaFile: clientCa?.file }, timeouts };
}
