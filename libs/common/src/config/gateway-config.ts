import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EdxError } from '../errors';

const agencySchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  /** SHA-256 (hex) of the agency's API key: the key itself is never stored. */
  apiKeySha256: z.string().regex(/^[0-9a-f]{64}$/),
  keyFile: z.string().min(1),
  certFile: z.string().min(1),
});

/**
 * The system's broker connection: AMQPS with its own client certificate (CN `system.<id>`, the broker
 * user), made for its key, which is made here and never leaves the system. No password.
 */
const amqpSchema = z.object({
  url: z.string().url().refine((u) => u.startsWith('amqps:'), 'must be amqps://host:5671/vhost'),
  caFile: z.string().min(1),
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
});

const configSchema = z.object({
  systemId: z.string().regex(/^[A-Za-z0-9._-]+$/),
  amqp: amqpSchema.optional(),
  /**
   * The old form: amqp://system.<id>:<password>@host:5672/vhost over the plain listener. Read only
   * when the gateway's EDX_AMQP_PLAIN_ALLOWED is true (a broker without TLS).
   */
  amqpUrl: z.string().url().optional(),
  databaseUrl: z.string().url(),
  /** PEM files of the trust anchors (and intermediates, CRLs) incoming signatures must chain to. */
  trust: z.object({
    anchors: z.array(z.string()).min(1),
    intermediates: z.array(z.string()).default([]),
    crls: z.array(z.string()).default([]),
    /** URLs serving PEM bundles of current CRLs (the console's `/v1/trust/crls`), polled while the gateway runs. */
    crlSources: z.array(z.string().url()).default([]),
  }),
  /**
   * The console this system enrolled with (`edx gateway enrol`): the gateway reads the agencies it
   * hosts from it with the system's token, and hosts each one whose key is in `agencyKeys`.
   */
  console: z
    .object({
      url: z.string().url(),
      tokenFile: z.string().min(1),
      /** How often the directory is read again: a new agency, certificate or move reaches the gateway within it. */
      refreshMs: z.number().int().min(1000).default(10_000),
    })
    .optional(),
  /** The folder of the agencies' keys made on this machine: CODE/key.pem, CODE/api-key.sha256 (`edx gateway key`). */
  agencyKeys: z.string().min(1).default('agencies'),
  /** Agencies configured by hand (key, certificate and API-key hash files); with `console`, the directory adds the rest. */
  agencies: z.array(agencySchema).default([]),
  /** PEM file of the transport CA the HTTPS servers this gateway calls (the console: directory, crlSources) must chain to; absent: the system's roots. */
  transportCa: z.string().min(1).optional(),
})
  .refine((c) => c.amqp !== undefined || c.amqpUrl !== undefined, { message: 'needs `amqp` (url, caFile, certFile, keyFile)', path: ['amqp'] })
  .refine((c) => c.agencies.length > 0 || c.console, { message: 'a gateway hosts agencies: list them in "agencies", or enrol it with `edx gateway enrol` (which writes "console")', path: ['agencies'] });

export type GatewayConfig = z.infer<typeof configSchema>;
export type HostedAgencyConfig = z.infer<typeof agencySchema>;

/** Reads the connected system's file; relative paths in it are relative to the file. */
export function loadGatewayConfig(file: string): GatewayConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new EdxError('CONFIG_INVALID', `Cannot read the gateway configuration ${file}: ${(error as Error).message}. Run \`npm start\` (demo) or \`edx agency add\` to create one.`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new EdxError('CONFIG_INVALID', `Invalid gateway configuration ${file}:\n  ${problems.join('\n  ')}`, { problems });
  }
  const base = path.dirname(path.resolve(file));
  const resolve = (p: string) => path.resolve(base, p);
  const config = result.data;
  return {
    ...config,
    amqp: config.amqp && { ...config.amqp, caFile: resolve(config.amqp.caFile), certFile: resolve(config.amqp.certFile), keyFile: resolve(config.amqp.keyFile) },
    trust: { ...config.trust, anchors: config.trust.anchors.map(resolve), intermediates: config.trust.intermediates.map(resolve), crls: config.trust.crls.map(resolve) },
    console: config.console && { ...config.console, tokenFile: resolve(config.console.tokenFile) },
    agencyKeys: resolve(config.agencyKeys),
    agencies: config.agencies.map((a) => ({ ...a, keyFile: resolve(a.keyFile), certFile: resolve(a.certFile) })),
    transportCa: config.transportCa === undefined ? undefined : resolve(config.transportCa),
  };
}

/**
 * The gateway's broker connection from its configuration: `amqp` (TLS, client certificate), or the
 * old `amqpUrl` only when `plainAllowed`. Throws CONFIG_INVALID naming the fix otherwise.
 */
export function gatewayBrokerOf(config: GatewayConfig, plainAllowed: boolean): { url: string; tls?: { caFile: string; certFile: string; keyFile: string } } {
  if (config.amqp) return { url: config.amqp.url, tls: { caFile: config.amqp.caFile, certFile: config.amqp.certFile, keyFile: config.amqp.keyFile } };
  if (config.amqpUrl && plainAllowed) return { url: config.amqpUrl };
  throw new EdxError('CONFIG_INVALID', `The gateway configuration of ${config.systemId} reaches the broker over plain AMQP with a password (amqpUrl): give it \`amqp\` (url amqps://host:5671/vhost, caFile, certFile, keyFile) or set EDX_AMQP_PLAIN_ALLOWED=true.`);
}
