import { DEV_BROKER_TLS_DIR, amqpSettingsOf, amqpSettingsShape, checkAmqpSettings, httpServerSettingsOf, httpServerSettingsShape, keySettingsShape, loadSettings, setting, z } from '@edx/common';
import { devBrokerTlsPaths } from '@edx/messaging';
import { localDatabaseUrl } from '@edx/storage';

export const consoleSettingsSchema = z
  .object({
    EDX_HOST: setting.text('127.0.0.1'),
    EDX_CONSOLE_PORT: setting.port(8080),
    EDX_LOG_LEVEL: setting.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    ...amqpSettingsShape,
    EDX_AMQP_MANAGEMENT_URL: setting.url('http://guest:guest@127.0.0.1:15672'),
    /** For an https:// management URL (the broker's 15671): the CA its certificate chains to. */
    EDX_AMQP_MANAGEMENT_CA_FILE: setting.optionalText(),
    /** Host and port gateways use to reach the broker (written into the credentials onboarding returns). */
    EDX_AMQP_PUBLIC_URL: setting.optionalText(),
    ...keySettingsShape,
    EDX_HUB_DATABASE_URL: setting.url(localDatabaseUrl(devBrokerTlsPaths().caFile, 'edx_hub')),
    /** SHA-256 (hex) of the bootstrap administrator and operator bearer tokens (named accounts: `edx user add`). Unset: no bootstrap token for that role. */
    EDX_CONSOLE_ADMIN_TOKEN_SHA256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    EDX_CONSOLE_OPERATOR_TOKEN_SHA256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    /** How long a named account's sign-in is remembered: a revocation reaches every other console copy within it. */
    EDX_CONSOLE_ACCOUNT_CACHE_MS: setting.int(10_000, 0),
    /** The transport CA (ca.key, ca.pem) the console issues systems' broker certificates from at enrolment; by default the local broker's dev CA. */
    EDX_TRANSPORT_CA_DIR: setting.text(`${DEV_BROKER_TLS_DIR}/ca`),
    /** The CA (ca.key, ca.pem) that issues gateways' HTTPS server certificates at enrolment; unset: gateways bring their own. */
    EDX_HTTPS_CA_DIR: setting.optionalText(),
    /** How long a system's broker certificate is valid (a new enrolment renews it). */
    EDX_TRANSPORT_CERT_DAYS: setting.int(365, 1),
    /** How long an enrolment token (`edx system add`) may wait to be redeemed by `edx gateway enrol`. */
    EDX_CONSOLE_ENROLMENT_TTL_HOURS: setting.int(24, 1),
    /** A delivery without a 01 (arrived) this many minutes after routing is overdue (an alarm). */
    EDX_OVERDUE_ARRIVAL_MINUTES: setting.int(15, 1),
    /** A certificate or CRL expiring within this many days is an alarm. */
    EDX_EXPIRY_WARNING_DAYS: setting.int(30, 0),
    /** An inbox holding more than this many messages, and more than at the last look, is an alarm. */
    EDX_INBOX_BACKLOG_ALARM: setting.int(100, 0),
    ...httpServerSettingsShape,
  })
  .superRefine(checkAmqpSettings)
  .transform((env, ctx) => ({
    host: env.EDX_HOST,
    port: env.EDX_CONSOLE_PORT,
    http: httpServerSettingsOf(env, ctx),
    keyPassphraseFile: env.EDX_KEY_PASSPHRASE_FILE,
    logLevel: env.EDX_LOG_LEVEL,
    amqp: amqpSettingsOf(env),
    amqpPublicUrl: env.EDX_AMQP_PUBLIC_URL ?? env.EDX_AMQP_URL,
    managementUrl: env.EDX_AMQP_MANAGEMENT_URL,
    managementCaFile: env.EDX_AMQP_MANAGEMENT_CA_FILE,
    databaseUrl: env.EDX_HUB_DATABASE_URL,
    overdue: { arrivalWithinMs: env.EDX_OVERDUE_ARRIVAL_MINUTES * 60_000 },
    alarms: { expiryWarningDays: env.EDX_EXPIRY_WARNING_DAYS, backlogThreshold: env.EDX_INBOX_BACKLOG_ALARM },
    tokens: { admin: env.EDX_CONSOLE_ADMIN_TOKEN_SHA256, operator: env.EDX_CONSOLE_OPERATOR_TOKEN_SHA256 },
    accountCacheMs: env.EDX_CONSOLE_ACCOUNT_CACHE_MS,
    enrolmentTtlMs: env.EDX_CONSOLE_ENROLMENT_TTL_HOURS * 3600_000,
    transportCaDir: env.EDX_TRANSPORT_CA_DIR,
    transportCertDays: env.EDX_TRANSPORT_CERT_DAYS,
    httpsCaDir: env.EDX_HTTPS_CA_DIR,
  }));

export type ConsoleSettings = z.infer<typeof consoleSettingsSchema>;
export const loadConsoleSettings = (env?: Record<string, string | undefined>): ConsoleSettings => loadSettings(consoleSettingsSchema, env);
