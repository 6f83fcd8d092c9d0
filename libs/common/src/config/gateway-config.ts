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

const configSchema = z.object({
  systemId: z.string().regex(/^[A-Za-z0-9._-]+$/),
  /** The system's own broker user (least privilege): amqp://system.<id>:<password>@host/vhost */
  amqpUrl: z.string().url(),
  databaseUrl: z.string().url(),
  /** PEM files of the trust anchors (and intermediates, CRLs) incoming signatures must chain to. */
  trust: z.object({
    anchors: z.array(z.string()).min(1),
    intermediates: z.array(z.string()).default([]),
    crls: z.array(z.string()).default([]),
    /** URLs serving PEM bundles of current CRLs (the console's `/v1/trust/crls`), polled while the gateway runs. */
    crlSources: z.array(z.string().url()).default([]),
  }),
  agencies: z.array(agencySchema).min(1),
  /** PEM file of the transport CA the HTTPS servers this gateway calls (the console's crlSources) must chain to; absent: the system's roots. */
  transportCa: z.string().min(1).optional(),
});

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
    trust: { ...config.trust, anchors: config.trust.anchors.map(resolve), intermediates: config.trust.intermediates.map(resolve), crls: config.trust.crls.map(resolve) },
    agencies: config.agencies.map((a) => ({ ...a, keyFile: resolve(a.keyFile), certFile: resolve(a.certFile) })),
    transportCa: config.transportCa === undefined ? undefined : resolve(config.transportCa),
  };
}
