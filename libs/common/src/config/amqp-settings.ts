import { z } from 'zod';
import { setting } from './settings';

/**
 * How the hub and the console reach the broker: AMQPS with their own client certificate (EXTERNAL
 * login as the certificate's CN, no password anywhere), or plain AMQP with a password in the URL only
 * where `EDX_AMQP_PLAIN_ALLOWED` says so (a broker without TLS, a lab).
 */
/** Where `edx broker tls` keeps the local broker's TLS files and the machine's dev transport CA (`ca/`). */
export const DEV_BROKER_TLS_DIR = '/etc/rabbitmq/edx-tls';

export const amqpSettingsShape = {
  EDX_AMQP_URL: setting.url('amqps://127.0.0.1:5671/edx'),
  /** The CA the broker's certificate must chain to (PEM); by default the local broker's dev transport CA. */
  EDX_AMQP_CA_FILE: setting.text(`${DEV_BROKER_TLS_DIR}/ca.pem`),
  /** The app's client certificate and key (PEM; the key may be encrypted PKCS#8, opened with EDX_KEY_PASSPHRASE_FILE). */
  EDX_AMQP_CERT_FILE: setting.optionalText(),
  EDX_AMQP_KEY_FILE: setting.optionalText(),
  EDX_AMQP_PLAIN_ALLOWED: setting.bool(false),
};

type AmqpEnv = { EDX_AMQP_URL: string; EDX_AMQP_CA_FILE: string; EDX_AMQP_CERT_FILE?: string; EDX_AMQP_KEY_FILE?: string; EDX_AMQP_PLAIN_ALLOWED: boolean };

/** Every inconsistency of the broker settings, for the loader to name (use in a schema's superRefine). */
export function checkAmqpSettings(env: AmqpEnv, ctx: z.RefinementCtx): void {
  const problem = (key: keyof AmqpEnv, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message });
  const tls = env.EDX_AMQP_URL.startsWith('amqps:');
  if (!tls && !env.EDX_AMQP_PLAIN_ALLOWED) problem('EDX_AMQP_URL', 'plain AMQP sends documents and passwords in clear: use amqps://host:5671/vhost with EDX_AMQP_CA_FILE, EDX_AMQP_CERT_FILE and EDX_AMQP_KEY_FILE, or set EDX_AMQP_PLAIN_ALLOWED=true');
  if (!tls && (env.EDX_AMQP_CERT_FILE || env.EDX_AMQP_KEY_FILE)) problem('EDX_AMQP_URL', 'TLS files are set for a plain amqp:// URL: use amqps://host:5671/vhost');
  if (Boolean(env.EDX_AMQP_CERT_FILE) !== Boolean(env.EDX_AMQP_KEY_FILE)) problem(env.EDX_AMQP_CERT_FILE ? 'EDX_AMQP_KEY_FILE' : 'EDX_AMQP_CERT_FILE', 'the client certificate and its key go together');
}

/** The broker connection the settings describe (the TLS files only for amqps://). */
export function amqpSettingsOf(env: AmqpEnv): { url: string; tls?: { caFile: string; certFile?: string; keyFile?: string } } {
  if (!env.EDX_AMQP_URL.startsWith('amqps:')) return { url: env.EDX_AMQP_URL };
  return { url: env.EDX_AMQP_URL, tls: { caFile: env.EDX_AMQP_CA_FILE, certFile: env.EDX_AMQP_CERT_FILE, keyFile: env.EDX_AMQP_KEY_FILE } };
}
